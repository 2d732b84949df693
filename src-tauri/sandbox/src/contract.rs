//! The contract the sandbox keeps, read from the vendored spec
//! (`tests/fixtures/atlas-api/atlas-admin-v2.yaml`, compiled in): each
//! operation's versions, path and query parameters and request body. A
//! request the spec refuses is refused before the sandbox acts on it, as
//! Atlas does: an attribute the body's schema does not know with 400
//! `INVALID_ATTRIBUTE` ("Invalid attribute {name} specified."); a wrong
//! type, length, pattern, range or enum value, in the body, the query or the
//! path, with 400 too; a version the operation does not speak with 406 (the
//! gate asks [`Contract::operation`] for it). Which code Atlas gives each
//! refusal but the first is a guess, and where the spec is taken to be
//! stricter than Atlas it is relaxed: both written down in
//! `tests/spec-deviations.json`. The checks the spec cannot express stay in
//! the handlers, which run after.

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};

use crate::Shared;
use crate::error::ApiError;

const SPEC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/atlas-api/atlas-admin-v2.yaml"
));
/// Where the spec refuses requests Atlas is taken to accept (`request_relaxations`).
const DEVIATIONS: &str = include_str!("../tests/spec-deviations.json");

#[derive(Debug, Clone, thiserror::Error)]
pub enum ContractError {
    #[error("the vendored spec does not parse: {0}")]
    Spec(String),
    #[error("the request schema of {operation} does not compile: {reason}")]
    Schema { operation: String, reason: String },
}

/// The spec's operations, read once per process.
pub fn contract() -> Result<&'static Contract, ContractError> {
    static CONTRACT: OnceLock<Result<Contract, ContractError>> = OnceLock::new();
    CONTRACT
        .get_or_init(|| Contract::parse(SPEC, DEVIATIONS))
        .as_ref()
        .map_err(Clone::clone)
}

pub struct Contract {
    operations: Vec<Operation>,
    /// The spec's `components`, which request schemas refer to.
    components: Value,
}

pub struct Operation {
    pub id: String,
    method: Method,
    segments: Vec<Segment>,
    /// The `Accept` media types it answers in (its version).
    pub media_types: Vec<String>,
    path: Vec<PathParameter>,
    query: Vec<QueryParameter>,
    body: Option<RequestBody>,
}

/// A path parameter: which segment it is, and its schema.
struct PathParameter {
    segment: usize,
    name: String,
    validator: jsonschema::Validator,
}

/// A query parameter the spec names, with its schema (an array's items'
/// for one that may repeat).
struct QueryParameter {
    name: String,
    kind: ValueKind,
    validator: jsonschema::Validator,
}

/// How a query value's text is read before its schema checks it.
#[derive(Clone, Copy)]
enum ValueKind {
    Boolean,
    Integer,
    Text,
}

/// One segment of a path template: `orgs`, `{orgId}`, or `{clientId}:invite`.
enum Segment {
    Literal(String),
    Parameter { suffix: String },
}

struct RequestBody {
    schema: Value,
    validator: jsonschema::Validator,
}

impl Contract {
    /// Reads `spec`, relaxed as `deviations` (spec-deviations.json) says.
    fn parse(text: &str, deviations: &str) -> Result<Self, ContractError> {
        let spec: Value =
            serde_yaml::from_str(text).map_err(|error| ContractError::Spec(error.to_string()))?;
        let mut components = spec.get("components").cloned().unwrap_or(Value::Null);
        as_request_schema(&mut components);
        let relaxed_parameters = relax_for_requests(&mut components, deviations)?;
        let mut operations = Vec::new();
        let paths = spec
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| ContractError::Spec("it has no paths".to_owned()))?;
        for (template, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                let Ok(method) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or(template)
                    .to_owned();
                let body = match request_schema(operation) {
                    Some(schema) => Some(RequestBody::compile(&id, schema, &components)?),
                    None => None,
                };
                let query = query_parameters(&id, operation, &components)?;
                let segments = segments(template);
                let path =
                    path_parameters(&id, template, operation, &components, &relaxed_parameters)?;
                operations.push(Operation {
                    id,
                    method,
                    segments,
                    media_types: media_types(operation),
                    path,
                    query,
                    body,
                });
            }
        }
        // The most literal template wins (`groups/byName/{name}` over `groups/{id}/…`).
        operations.sort_by_key(|operation| {
            operation
                .segments
                .iter()
                .filter(|segment| matches!(segment, Segment::Parameter { .. }))
                .count()
        });
        Ok(Self {
            operations,
            components,
        })
    }

    /// The operation this request is, if the spec has it.
    pub fn operation(&self, method: &Method, path: &str) -> Option<&Operation> {
        let parts: Vec<&str> = path.split('/').collect();
        self.operations.iter().find(|operation| {
            operation.method == *method
                && operation.segments.len() == parts.len()
                && operation
                    .segments
                    .iter()
                    .zip(&parts)
                    .all(|(segment, part)| segment.matches(part))
        })
    }

    /// Checks each path parameter against its schema (an id's pattern).
    pub fn check_path(&self, operation: &Operation, path: &str) -> Result<(), ApiError> {
        let parts: Vec<&str> = path.split('/').collect();
        for parameter in &operation.path {
            let Some(part) = parts.get(parameter.segment) else {
                continue;
            };
            // `{clientId}:invite`: the value is what comes before the suffix.
            let value = match &operation.segments[parameter.segment] {
                Segment::Parameter { suffix } => part.strip_suffix(suffix.as_str()).unwrap_or(part),
                Segment::Literal(_) => part,
            };
            if let Some(error) = parameter
                .validator
                .iter_errors(&Value::String(value.to_owned()))
                .next()
            {
                let name = parameter.name.as_str();
                return Err(ApiError::bad_request(
                    "PATH_PARAM_PARSE_ERROR",
                    format!("One or more path parameter is invalid: {name}: {error}."),
                )
                .with_parameters([name, value]));
            }
        }
        Ok(())
    }

    /// Checks the query parameters the spec names (their types, ranges,
    /// patterns and enums); one it does not name is ignored.
    pub fn check_query(&self, operation: &Operation, query: Option<&str>) -> Result<(), ApiError> {
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let Some(parameter) = operation.query.iter().find(|known| known.name == name) else {
                continue;
            };
            let read = match parameter.kind {
                ValueKind::Boolean => match value.as_ref() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    _ => Err("expected true or false".to_owned()),
                },
                ValueKind::Integer => value
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| "expected a whole number".to_owned()),
                ValueKind::Text => Ok(Value::String(value.to_string())),
            };
            let why = read.and_then(|read| match parameter.validator.iter_errors(&read).next() {
                Some(error) => Err(error.to_string()),
                None => Ok(()),
            });
            if let Err(why) = why {
                return Err(ApiError::bad_request(
                    "INVALID_QUERY_PARAMETER",
                    format!("Invalid value {value} for the query parameter {name}: {why}."),
                )
                .with_parameters([name.as_ref(), value.as_ref()]));
            }
        }
        Ok(())
    }

    /// Checks a request body against the operation's schema. An empty or
    /// unparsable body is left to the handler, which says so in its words.
    pub fn check_body(&self, operation: &Operation, bytes: &[u8]) -> Result<(), ApiError> {
        let Some(body) = &operation.body else {
            return Ok(());
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let Ok(value) = serde_json::from_slice::<Value>(bytes) else {
            return Ok(());
        };
        if let Some(name) = self.unknown_attribute(&body.schema, &value) {
            return Err(ApiError::bad_request(
                "INVALID_ATTRIBUTE",
                format!("Invalid attribute {name} specified."),
            )
            .with_parameters([name.as_str()]));
        }
        match body.validator.iter_errors(&value).next() {
            None => Ok(()),
            Some(error) => Err(refusal(&error)),
        }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        resolve(&self.components, schema)
    }

    /// The first attribute of `value` that its schema does not name, as a
    /// path (`roles`, `0.comment`).
    fn unknown_attribute(&self, schema: &Value, value: &Value) -> Option<String> {
        let schema = self.resolve(schema);
        match value {
            Value::Object(object) => {
                let known = self.properties(schema);
                // A schema that names no properties (or allows more) takes any.
                if known.is_empty() || schema.get("additionalProperties").is_some() {
                    return None;
                }
                for (name, item) in object {
                    let Some(item_schema) = known.get(name) else {
                        return Some(name.clone());
                    };
                    if let Some(inner) = self.unknown_attribute(item_schema, item) {
                        return Some(format!("{name}.{inner}"));
                    }
                }
                None
            }
            Value::Array(items) => {
                let item_schema = schema.get("items")?;
                items.iter().enumerate().find_map(|(index, item)| {
                    self.unknown_attribute(item_schema, item)
                        .map(|inner| format!("{index}.{inner}"))
                })
            }
            _ => None,
        }
    }

    /// Every property a schema names, through `allOf`, `oneOf` and `anyOf`.
    fn properties<'a>(&'a self, schema: &'a Value) -> Map<String, Value> {
        let schema = self.resolve(schema);
        let mut known = schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for combinator in ["allOf", "oneOf", "anyOf"] {
            for part in schema
                .get(combinator)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                known.extend(self.properties(part));
            }
        }
        known
    }
}

/// Refuses a request whose body the spec refuses, before the handler acts
/// on it; counts every request checked and every one refused. Runs after
/// the role check, as Atlas tells a caller without the role nothing more.
pub async fn keep(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    // Read at start (`Sandbox::start` fails without it).
    let Ok(contract) = contract() else {
        return next.run(request).await;
    };
    let Some(operation) = contract.operation(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    shared.checked.fetch_add(1, Ordering::Relaxed);
    let refuse = |refusal: ApiError| {
        tally(&operation.id, Some(&refusal));
        shared.refused.fetch_add(1, Ordering::Relaxed);
        tracing::info!(operation = %operation.id, code = refusal.code, detail = %refusal.detail, "request refused by the spec");
        refusal.into_response()
    };
    let parameters = contract
        .check_path(operation, request.uri().path())
        .and_then(|()| contract.check_query(operation, request.uri().query()));
    if let Err(refusal) = parameters {
        return refuse(refusal);
    }
    if operation.body.is_none() {
        tally(&operation.id, None);
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // The gate has read the body whole already, within its limit.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::bad_request("REQUEST_TOO_LARGE", "The request body was cut off.")
            .into_response();
    };
    if let Err(refusal) = contract.check_body(operation, &bytes) {
        return refuse(refusal);
    }
    tally(&operation.id, None);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The environment variable that names the file where the tests count the
/// requests checked, suite by suite (`tests/contract-tally.sh` reads it).
pub const TALLY_VARIABLE: &str = "AAM_CONTRACT_TALLY";

/// Appends `suite<TAB>operation<TAB>refusal` to the tally file, when the
/// tests asked for one. The suite is the test binary's package and name,
/// which cargo gives its test processes (and they to the app they start).
fn tally(operation: &str, refusal: Option<&ApiError>) {
    use std::io::Write;
    static FILE: OnceLock<Option<(std::sync::Mutex<std::fs::File>, String)>> = OnceLock::new();
    let opened = FILE.get_or_init(|| {
        let path = std::env::var_os(TALLY_VARIABLE)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
        let binary = std::env::current_exe()
            .ok()
            .and_then(|exe| {
                exe.file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
            })
            .unwrap_or_default();
        // Test binaries are named `name-<hash>`.
        let binary = match binary.rsplit_once('-') {
            Some((name, hash))
                if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                name.to_owned()
            }
            _ => binary,
        };
        Some((std::sync::Mutex::new(file), format!("{package}/{binary}")))
    });
    let Some((file, suite)) = opened else {
        return;
    };
    let verdict = refusal.map_or_else(
        || "ok".to_owned(),
        |refusal| {
            format!(
                "{} {}",
                refusal.code,
                refusal.detail.replace(['\t', '\n'], " ")
            )
        },
    );
    let line = format!("{suite}\t{operation}\t{verdict}\n");
    if let Ok(mut file) = file.lock() {
        let _ = file.write_all(line.as_bytes());
    }
}

impl RequestBody {
    fn compile(id: &str, schema: &Value, components: &Value) -> Result<Self, ContractError> {
        Ok(Self {
            schema: schema.clone(),
            validator: compile(id, schema, components, false)?,
        })
    }
}

/// A validator for `schema`, whose references point into `components`.
/// OpenAPI 3.0's schemas are JSON Schema draft 4 in this respect:
/// `exclusiveMinimum` is a boolean beside `minimum`. Formats are checked
/// in query values (a `date-time`); a body's formats are Atlas's to judge.
fn compile(
    id: &str,
    schema: &Value,
    components: &Value,
    formats: bool,
) -> Result<jsonschema::Validator, ContractError> {
    let root = serde_json::json!({
        "allOf": [schema],
        "components": components,
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(formats)
        .build(&root)
        .map_err(|error| ContractError::Schema {
            operation: id.to_owned(),
            reason: error.to_string(),
        })
}

impl Segment {
    fn matches(&self, part: &str) -> bool {
        match self {
            Segment::Literal(literal) => literal == part,
            Segment::Parameter { suffix } => {
                part.len() > suffix.len() && part.ends_with(suffix.as_str())
            }
        }
    }
}

fn segments(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .map(
            |part| match part.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
                Some((_, suffix)) => Segment::Parameter {
                    suffix: suffix.to_owned(),
                },
                None => Segment::Literal(part.to_owned()),
            },
        )
        .collect()
}

/// Removes each keyword `spec-deviations.json` lists under
/// `request_relaxations`; one that is not there is an error, so the list
/// cannot go stale.
fn relax_for_requests(
    components: &mut Value,
    deviations: &str,
) -> Result<Vec<(String, String)>, ContractError> {
    let deviations: Value = serde_json::from_str(deviations)
        .map_err(|error| ContractError::Spec(format!("spec-deviations.json: {error}")))?;
    let mut parameters = Vec::new();
    for relaxation in deviations
        .get("request_relaxations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        // A path parameter (the spec defines them inline, by name).
        if let Some(parameter) = relaxation.get("parameter").and_then(Value::as_str) {
            let keyword = relaxation
                .get("keyword")
                .and_then(Value::as_str)
                .unwrap_or_default();
            parameters.push((parameter.to_owned(), keyword.to_owned()));
            continue;
        }
        let pointer = relaxation
            .get("pointer")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let keyword = relaxation
            .get("keyword")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let removed = components
            .pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .and_then(|schema| schema.remove(keyword));
        if removed.is_none() {
            return Err(ContractError::Spec(format!(
                "spec-deviations.json relaxes {keyword} at {pointer}, which the spec does not have"
            )));
        }
    }
    Ok(parameters)
}

/// Reads OpenAPI 3.0's schemas as JSON Schema for checking requests, at
/// every level:
/// - `nullable: true` puts `null` among the types (and the enum);
/// - the `int32` and `int64` formats are ranges (`minimum`/`maximum`,
///   where the schema has none of its own);
/// - a `readOnly` property that a schema requires is required in answers
///   only: it leaves the `required` list.
fn as_request_schema(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            allow_null(object);
            let range = match object.get("format").and_then(Value::as_str) {
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                Some("int64") => Some((i64::MIN, i64::MAX)),
                _ => None,
            };
            let is_integer = match object.get("type") {
                Some(Value::String(kind)) => kind == "integer",
                Some(Value::Array(kinds)) => kinds.contains(&Value::from("integer")),
                _ => false,
            };
            if let (Some((low, high)), true) = (range, is_integer) {
                object.entry("minimum").or_insert(Value::from(low));
                object.entry("maximum").or_insert(Value::from(high));
            }
            let read_only: Vec<String> = object
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .filter(|(_, property)| {
                            property.get("readOnly") == Some(&Value::Bool(true))
                        })
                        .map(|(name, _)| name.clone())
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Array(required)) = object.get_mut("required") {
                required.retain(|name| {
                    name.as_str()
                        .is_none_or(|name| !read_only.iter().any(|read| read == name))
                });
            }
            object.values_mut().for_each(as_request_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(as_request_schema),
        _ => {}
    }
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema, at every level of
/// `schema`: `null` among the types (and in the enum). Answers are read
/// with it too.
pub fn nullable_as_json_schema(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            allow_null(object);
            object.values_mut().for_each(nullable_as_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_as_json_schema),
        _ => {}
    }
}

fn allow_null(object: &mut serde_json::Map<String, Value>) {
    if object.get("nullable") == Some(&Value::Bool(true))
        && let Some(Value::String(kind)) = object.get("type").cloned()
    {
        object.insert("type".to_owned(), serde_json::json!([kind, "null"]));
        if let Some(Value::Array(choices)) = object.get_mut("enum")
            && !choices.contains(&Value::Null)
        {
            choices.push(Value::Null);
        }
    }
}

/// What `value` refers to (`$ref: '#/components/…'`), through a chain of
/// references (cut after a few steps, should one loop); `null` for a
/// reference the components do not have; `value` itself if it refers to
/// nothing.
fn resolve<'a>(components: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..8 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            break;
        };
        value = components
            .pointer(reference.trim_start_matches("#/components"))
            .unwrap_or(&Value::Null);
    }
    value
}

/// The operation's path parameters, each with the segment it fills; a
/// keyword `relaxed` names for a parameter is left out of its schema.
fn path_parameters(
    id: &str,
    template: &str,
    operation: &Value,
    components: &Value,
    relaxed: &[(String, String)],
) -> Result<Vec<PathParameter>, ContractError> {
    let mut parameters = Vec::new();
    for (segment, part) in template.split('/').enumerate() {
        let Some(name) = part
            .strip_prefix('{')
            .and_then(|rest| rest.split_once('}'))
            .map(|(name, _)| name)
        else {
            continue;
        };
        let Some(mut schema) = operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|parameter| resolve(components, parameter))
            .find(|parameter| {
                parameter.get("in").and_then(Value::as_str) == Some("path")
                    && parameter.get("name").and_then(Value::as_str) == Some(name)
            })
            .and_then(|parameter| parameter.get("schema"))
            .cloned()
        else {
            continue;
        };
        for (parameter, keyword) in relaxed {
            if parameter == name
                && let Some(object) = schema.as_object_mut()
            {
                object.remove(keyword);
            }
        }
        parameters.push(PathParameter {
            segment,
            name: name.to_owned(),
            validator: compile(&format!("{id} ({name})"), &schema, components, false)?,
        });
    }
    Ok(parameters)
}

/// The operation's query parameters (its own and those it refers to).
fn query_parameters(
    id: &str,
    operation: &Value,
    components: &Value,
) -> Result<Vec<QueryParameter>, ContractError> {
    let mut parameters = Vec::new();
    for parameter in operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let parameter = resolve(components, parameter);
        if parameter.get("in").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let (Some(name), Some(schema)) = (
            parameter.get("name").and_then(Value::as_str),
            parameter.get("schema"),
        ) else {
            continue;
        };
        // A repeatable parameter is checked value by value.
        let schema = if schema.get("type").and_then(Value::as_str) == Some("array") {
            schema.get("items").unwrap_or(&Value::Null)
        } else {
            schema
        };
        let resolved = resolve(components, schema);
        let kind = match resolved.get("type").and_then(Value::as_str) {
            Some("boolean") => ValueKind::Boolean,
            Some("integer") => ValueKind::Integer,
            _ => ValueKind::Text,
        };
        parameters.push(QueryParameter {
            name: name.to_owned(),
            kind,
            validator: compile(&format!("{id} ({name})"), schema, components, true)?,
        });
    }
    Ok(parameters)
}

fn request_schema(operation: &Value) -> Option<&Value> {
    operation
        .get("requestBody")?
        .get("content")?
        .as_object()?
        .values()
        .find_map(|media| media.get("schema"))
}

/// The media types of the operation's answers and body: its versions.
fn media_types(operation: &Value) -> Vec<String> {
    let mut types: Vec<String> = operation
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|responses| responses.values())
        .chain(operation.get("requestBody"))
        .filter_map(|part| part.get("content").and_then(Value::as_object))
        .flat_map(|content| content.keys())
        .filter(|media| media.starts_with("application/vnd.atlas."))
        .cloned()
        .collect();
    types.sort();
    types.dedup();
    types
}

/// Atlas's answer to a body that breaks its schema: the attribute named,
/// in the codes the sandbox's own checks use.
fn refusal(error: &jsonschema::ValidationError<'_>) -> ApiError {
    let path = error.instance_path().to_string();
    let name = path
        .trim_start_matches('/')
        .replace('/', ".")
        .chars()
        .collect::<String>();
    let name = if name.is_empty() {
        "body".to_owned()
    } else {
        name
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            let full = if name == "body" {
                property.to_owned()
            } else {
                format!("{name}.{property}")
            };
            ApiError::missing_attribute(&full)
        }
        ValidationErrorKind::Enum { .. } => {
            let value = error.instance().to_string();
            ApiError::bad_request(
                "INVALID_ENUM_VALUE",
                format!("An invalid enumeration value {value} was specified for {name}."),
            )
            .with_parameters([value.as_str(), name.as_str()])
        }
        // An address the spec's pattern refuses is one Atlas cannot read.
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. }
            if name.ends_with("ipAddress") || name.ends_with("cidrBlock") =>
        {
            let text = error.instance().as_str().unwrap_or_default().to_owned();
            ApiError::bad_request(
                "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
                format!("The address {text} must be in valid IP address or CIDR notation."),
            )
            .with_parameters([text])
        }
        // A body of the wrong shape altogether cannot be read as the request.
        ValidationErrorKind::Type { .. } if name == "body" => {
            ApiError::malformed_json(&format!("the body must be {error}."))
        }
        _ => ApiError::invalid_attribute(&name, &format!("{error}.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> &'static Contract {
        super::contract().expect("the vendored spec compiles")
    }

    #[test]
    fn every_operation_of_the_spec_is_read_with_its_version() {
        let contract = contract();
        assert!(contract.operations.len() >= 50);
        for operation in &contract.operations {
            assert!(
                !operation.media_types.is_empty(),
                "{} has no version",
                operation.id
            );
        }
        let invite = contract
            .operation(
                &Method::POST,
                "/api/atlas/v2/groups/6a790a000000000000000001/serviceAccounts/mdb_sa_id_1:invite",
            )
            .expect("the invitation");
        assert_eq!(invite.id, "inviteGroupServiceAccount");
        let by_name = contract
            .operation(&Method::GET, "/api/atlas/v2/groups/byName/Production")
            .expect("a project by name");
        assert_eq!(by_name.id, "getGroupByName");
        assert!(
            contract
                .operation(&Method::GET, "/api/atlas/v2/nothing")
                .is_none()
        );
    }

    fn refusal_of(path: &str, body: &str) -> Option<ApiError> {
        let contract = contract();
        let operation = contract
            .operation(&Method::POST, path)
            .expect("an operation");
        contract.check_body(operation, body.as_bytes()).err()
    }

    const ORG_KEYS: &str = "/api/atlas/v2/orgs/6a790a000000000000000001/apiKeys";
    const SECRETS: &str =
        "/api/atlas/v2/orgs/6a790a000000000000000001/serviceAccounts/mdb_sa_id_1/secrets";

    #[test]
    fn an_unknown_attribute_is_refused_by_name_at_any_depth() {
        let refused = refusal_of(ORG_KEYS, r#"{"desc":"x","roles":["ORG_MEMBER"],"bogus":1}"#)
            .expect("refused");
        assert_eq!(refused.code, "INVALID_ATTRIBUTE");
        assert_eq!(refused.detail, "Invalid attribute bogus specified.");
        assert_eq!(refused.parameters, vec!["bogus"]);
        let entries = "/api/atlas/v2/orgs/6a790a000000000000000001/apiKeys/6a790b000000000000000001/accessList";
        let nested =
            refusal_of(entries, r#"[{"ipAddress":"192.0.2.1","note":"x"}]"#).expect("refused");
        assert_eq!(nested.detail, "Invalid attribute 0.note specified.");
        // A misspelt attribute is unknown too, never a default.
        let misspelt = refusal_of(SECRETS, r#"{"secretExpiresAfterHour":24}"#).expect("refused");
        assert_eq!(
            misspelt.detail,
            "Invalid attribute secretExpiresAfterHour specified."
        );
        assert!(refusal_of(ORG_KEYS, r#"{"desc":"x","roles":["ORG_MEMBER"]}"#).is_none());
    }

    #[test]
    fn a_wrong_type_length_range_or_missing_attribute_is_refused() {
        let wrong_type = refusal_of(SECRETS, r#"{"secretExpiresAfterHours":"24"}"#).unwrap();
        assert_eq!(wrong_type.code, "INVALID_ATTRIBUTE");
        assert_eq!(wrong_type.parameters, vec!["secretExpiresAfterHours"]);
        let zero = refusal_of(SECRETS, r#"{"secretExpiresAfterHours":0}"#).unwrap();
        assert_eq!(zero.code, "INVALID_ATTRIBUTE", "{}", zero.detail);
        let long = "x".repeat(251);
        let too_long = refusal_of(
            ORG_KEYS,
            &format!(r#"{{"desc":"{long}","roles":["ORG_MEMBER"]}}"#),
        )
        .unwrap();
        assert_eq!(too_long.parameters, vec!["desc"]);
        let missing = refusal_of(SECRETS, "{}").unwrap();
        assert_eq!(missing.code, "MISSING_ATTRIBUTE");
        assert_eq!(missing.parameters, vec!["secretExpiresAfterHours"]);
        assert!(refusal_of(SECRETS, r#"{"secretExpiresAfterHours":24}"#).is_none());
    }

    #[test]
    fn query_values_are_read_as_their_schema_says_and_unknown_names_are_ignored() {
        let contract = contract();
        let keys = contract
            .operation(&Method::GET, ORG_KEYS)
            .expect("the key list");
        let refused = |query: &str| contract.check_query(keys, Some(query)).err();
        assert!(refused("itemsPerPage=500&pageNum=2&includeCount=false").is_none());
        assert!(
            refused("whatever=1").is_none(),
            "a name the spec lacks is ignored"
        );
        let too_many = refused("itemsPerPage=501").expect("above the maximum");
        assert_eq!(too_many.code, "INVALID_QUERY_PARAMETER");
        assert_eq!(too_many.parameters, vec!["itemsPerPage", "501"]);
        assert!(refused("pageNum=0").is_some(), "below the minimum");
        assert!(refused("pageNum=two").is_some(), "not a number");
        assert!(refused("includeCount=yes").is_some(), "not a boolean");
        let events = contract
            .operation(
                &Method::GET,
                "/api/atlas/v2/orgs/6a790a000000000000000001/events",
            )
            .expect("the events");
        assert!(
            contract
                .check_query(events, Some("minDate=2026-12-01T00:00:00Z"))
                .is_ok()
        );
        assert!(
            contract
                .check_query(events, Some("minDate=yesterday"))
                .is_err(),
            "not a date-time"
        );
    }

    #[test]
    fn an_int32_attribute_is_bounded_by_its_format() {
        let settings = "/api/atlas/v2/orgs/6a790a000000000000000001/settings";
        let contract = contract();
        let operation = contract
            .operation(&Method::PATCH, settings)
            .expect("the settings");
        let body = |seconds: i64| {
            format!(r#"{{"customSessionTimeouts":{{"idleSessionTimeoutInSeconds":{seconds}}}}}"#)
        };
        assert!(
            contract
                .check_body(operation, body(3600).as_bytes())
                .is_ok()
        );
        let refused = contract
            .check_body(operation, body(2_147_483_648).as_bytes())
            .expect_err("past int32");
        assert_eq!(
            refused.parameters,
            vec!["customSessionTimeouts.idleSessionTimeoutInSeconds"]
        );
    }

    #[test]
    fn a_path_parameter_is_checked_against_its_pattern() {
        let contract = contract();
        let check = |method: Method, path: &str| {
            let operation = contract.operation(&method, path).expect("an operation");
            contract.check_path(operation, path)
        };
        assert!(check(Method::GET, ORG_KEYS).is_ok());
        let refused = check(Method::GET, "/api/atlas/v2/orgs/not-an-id/apiKeys").unwrap_err();
        assert_eq!(refused.code, "PATH_PARAM_PARSE_ERROR");
        assert_eq!(refused.parameters, vec!["orgId", "not-an-id"]);
        let account = "/api/atlas/v2/groups/6a790b000000000000000001/serviceAccounts";
        assert!(
            check(
                Method::POST,
                &format!("{account}/mdb_sa_id_6a790d000000000000000001:invite")
            )
            .is_ok()
        );
        assert!(check(Method::POST, &format!("{account}/mdb_sa_id_nothex:invite")).is_err());
        // IPv6 written short, which the spec's pattern refuses (spec-deviations.json).
        let entry = "/api/atlas/v2/orgs/6a790a000000000000000001/apiKeys/6a790c000000000000000001/accessList/::1";
        assert!(check(Method::DELETE, entry).is_ok());
    }

    #[test]
    fn a_nullable_attribute_takes_null_and_nothing_else_outside_its_type() {
        let spec = r#"
paths:
  /api/atlas/v2/orgs/{orgId}/things:
    patch:
      operationId: updateThings
      requestBody:
        content:
          application/vnd.atlas.2025-03-12+json:
            schema:
              $ref: '#/components/schemas/Things'
      responses:
        '200':
          content:
            application/vnd.atlas.2025-03-12+json: {}
components:
  schemas:
    Things:
      type: object
      properties:
        lifetime:
          type: integer
          nullable: true
          minimum: 1
        access:
          type: string
          nullable: true
          enum: [DISALLOWED, READ_ONLY]
"#;
        let contract = Contract::parse(spec, "{}").expect("a small spec");
        let path = "/api/atlas/v2/orgs/6a790a000000000000000001/things";
        let operation = contract
            .operation(&Method::PATCH, path)
            .expect("its one operation");
        let check = |body: &str| contract.check_body(operation, body.as_bytes());
        assert!(check(r#"{"lifetime":null,"access":null}"#).is_ok());
        assert!(check(r#"{"lifetime":3600,"access":"READ_ONLY"}"#).is_ok());
        assert!(check(r#"{"lifetime":0}"#).is_err());
        assert_eq!(
            check(r#"{"access":"EVERYTHING"}"#).unwrap_err().code,
            "INVALID_ENUM_VALUE"
        );
        assert_eq!(
            operation.media_types,
            vec!["application/vnd.atlas.2025-03-12+json"]
        );
    }
}
