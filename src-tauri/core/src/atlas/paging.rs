//! Reading a whole list: Atlas pages every list, at most 500 items a page.

use futures::stream::{self, StreamExt, TryStreamExt};
use reqwest::Method;
use serde::de::DeserializeOwned;

use super::client::{AtlasClient, MEDIA_TYPE};
use super::error::AtlasError;
use super::models::Page;
use super::transport::Repeat;

/// The largest page Atlas serves.
pub const MAX_PAGE: usize = 500;
/// The most pages one list is read in: a million items. A `totalCount`
/// beyond is refused rather than followed with thousands of requests.
pub const MAX_PAGES: usize = 2_000;

impl AtlasClient {
    /// Every item of a list: the first page tells the total, the others
    /// are fetched a few at a time and returned in order.
    pub async fn list_all<T: DeserializeOwned + Send>(
        &self,
        path: &str,
    ) -> Result<Vec<T>, AtlasError> {
        self.list_all_as(MEDIA_TYPE, path).await
    }

    /// [`Self::list_all`] in another API version.
    pub(super) async fn list_all_as<T: DeserializeOwned + Send>(
        &self,
        media: &'static str,
        path: &str,
    ) -> Result<Vec<T>, AtlasError> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let page_path = |page: usize| {
            format!("{path}{separator}itemsPerPage={MAX_PAGE}&pageNum={page}&includeCount=true")
        };
        let get = |path: String| async move {
            self.json_as::<Page<T>>(media, Method::GET, &path, None, Repeat::Idempotent)
                .await
        };
        let first: Page<T> = get(page_path(1)).await?;
        let Some(total) = first.total_count else {
            // No count (includeCount is only a request): follow the pages
            // one at a time while Atlas says there is a next one. Its `href`
            // is not followed; the next page number of this path is asked.
            let mut has_next = first.has_next();
            let mut items = first.results;
            let mut page = 1;
            while has_next {
                page += 1;
                if page > MAX_PAGES {
                    return Err(AtlasError::TooManyItems {
                        what: path.to_owned(),
                        total: items.len() as u64,
                    });
                }
                let next: Page<T> = get(page_path(page)).await?;
                has_next = next.has_next() && !next.results.is_empty();
                items.extend(next.results);
            }
            return Ok(items);
        };
        let total = usize::try_from(total).unwrap_or(usize::MAX);
        let pages = total.div_ceil(MAX_PAGE).max(1);
        if pages > MAX_PAGES {
            return Err(AtlasError::TooManyItems {
                what: path.to_owned(),
                total: total as u64,
            });
        }
        let mut items = first.results;
        let rest: Vec<Page<T>> = stream::iter(2..=pages)
            .map(|page| {
                let path = page_path(page);
                get(path)
            })
            .buffered(self.options.page_concurrency.max(1))
            .try_collect()
            .await?;
        for page in rest {
            items.extend(page.results);
        }
        Ok(items)
    }
}
