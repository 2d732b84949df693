//! Atlas's error shape: a JSON body `{detail, error, errorCode, parameters,
//! reason}` and the same code in the `X-Error-Code` header.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub parameters: Vec<String>,
    /// Seconds, for 429.
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    detail: &'a str,
    error: u16,
    #[serde(rename = "errorCode")]
    error_code: &'a str,
    parameters: &'a [String],
    reason: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            parameters: Vec::new(),
            retry_after: None,
        }
    }

    pub fn with_parameters(
        mut self,
        parameters: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.parameters = parameters.into_iter().map(Into::into).collect();
        self
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, detail)
    }

    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    /// Authenticated, but the key's roles do not allow the operation.
    pub fn unauthorized_role(required: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "USER_UNAUTHORIZED",
            format!("Current user is not authorized to perform this action: it needs {required}."),
        )
    }

    pub fn invalid_attribute(name: &str, why: &str) -> Self {
        Self::bad_request(
            "INVALID_ATTRIBUTE",
            format!("Invalid attribute {name} specified: {why}"),
        )
        .with_parameters([name])
    }

    pub fn missing_attribute(name: &str) -> Self {
        Self::bad_request(
            "MISSING_ATTRIBUTE",
            format!("The required attribute {name} was not specified."),
        )
        .with_parameters([name])
    }

    pub fn malformed_json(why: &str) -> Self {
        Self::bad_request(
            "MALFORMED_JSON",
            format!("Received JSON is malformed: {why}"),
        )
    }

    pub fn path_param(name: &str, value: &str) -> Self {
        Self::bad_request(
            "PATH_PARAM_PARSE_ERROR",
            format!("One or more path parameter is invalid: {name} must be a 24-character hexadecimal string, got \"{value}\"."),
        )
        .with_parameters([name, value])
    }

    pub fn org_not_found(id: &str) -> Self {
        Self::not_found(
            "ORG_NOT_FOUND",
            format!("No organization with ID {id} exists."),
        )
        .with_parameters([id])
    }

    pub fn group_not_found(id: &str) -> Self {
        Self::not_found("GROUP_NOT_FOUND", format!("No group with ID {id} exists."))
            .with_parameters([id])
    }

    pub fn api_key_not_found(id: &str) -> Self {
        Self::not_found(
            "API_KEY_NOT_FOUND",
            format!("No API key with ID {id} exists."),
        )
        .with_parameters([id])
    }

    pub fn resource_not_found(what: &str) -> Self {
        Self::not_found(
            "RESOURCE_NOT_FOUND",
            format!("Cannot find resource {what}."),
        )
        .with_parameters([what])
    }
}

fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            detail: &self.detail,
            error: self.status.as_u16(),
            error_code: self.code,
            parameters: &self.parameters,
            reason: reason(self.status),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, bytes).into_response();
        let headers = response.headers_mut();
        // Atlas documents its error bodies as plain JSON.
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(code) = HeaderValue::from_str(self.code) {
            headers.insert("X-Error-Code", code);
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The body of a 401 Digest challenge, to the byte as Atlas sends it.
pub const UNAUTHORIZED_BODY: &str = r#"{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource.","errorCode":"UNEXPECTED_ERROR"}"#;
