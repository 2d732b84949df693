//! Delegated access: the organization's policy for apps that reach the
//! Admin API on a person's behalf, in its own API version.

use reqwest::Method;
use serde_json::Value;

use super::client::{AtlasClient, segment};
use super::error::AtlasError;
use super::models::{DelegationSettings, DelegationSettingsWire};
use super::transport::Repeat;

/// The version the delegation-settings endpoints speak.
pub const DELEGATION_MEDIA_TYPE: &str = "application/vnd.atlas.2025-03-12+json";

fn delegation_path(org_id: &str) -> Result<String, AtlasError> {
    Ok(format!(
        "/api/atlas/v2/orgs/{}/delegationSettings",
        segment(org_id)?
    ))
}

impl AtlasClient {
    pub async fn delegation_settings(
        &self,
        org_id: &str,
    ) -> Result<DelegationSettings, AtlasError> {
        let wire: DelegationSettingsWire = self
            .json_as(
                DELEGATION_MEDIA_TYPE,
                Method::GET,
                &delegation_path(org_id)?,
                None,
                Repeat::Idempotent,
            )
            .await?;
        Ok(wire.into())
    }

    /// Changes what `body` names and nothing else (`null` is the system
    /// default); answers the settings as they now are.
    pub async fn update_delegation_settings(
        &self,
        org_id: &str,
        body: &Value,
    ) -> Result<DelegationSettings, AtlasError> {
        let wire: DelegationSettingsWire = self
            .json_as(
                DELEGATION_MEDIA_TYPE,
                Method::PATCH,
                &delegation_path(org_id)?,
                Some(body),
                Repeat::Idempotent,
            )
            .await?;
        Ok(wire.into())
    }
}
