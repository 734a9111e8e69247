//! Why a Prometheus API call gave no data, as a value the panel that failed can show.
//!
//! Three kinds, matching the UI's badge ([`ErrorKind`]): the API answered with its error envelope
//! (Prometheus' own message is kept verbatim), the HTTP status was not 2xx and the body was not an
//! error envelope (a proxy or gateway page; the status and a short text excerpt are kept), or a 2xx
//! body could not be decoded (serde's line/column is kept). `Display` says what failed, why, and
//! what to try.

use std::fmt;

/// The class of a [`PromError`], for the error badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Prometheus answered `"status":"error"`.
    Api,
    /// A non-2xx status without a Prometheus error envelope.
    Http,
    /// A body that is not Prometheus API JSON.
    Decode,
}

impl ErrorKind {
    /// Short badge text.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Api => "Query error",
            ErrorKind::Http => "HTTP error",
            ErrorKind::Decode => "Invalid response",
        }
    }
}

/// A failed Prometheus API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromError {
    /// The error envelope `{"status":"error","errorType":…,"error":…}`; `message` is Prometheus'
    /// own text, verbatim. `error_type` is `bad_data`, `execution`, `timeout`, `canceled`,
    /// `internal`, `not_found`, `not_acceptable`, or whatever a compatible server sent
    /// (`unknown` when absent).
    Api { error_type: String, message: String, http_status: u16 },
    /// A non-2xx status whose body is not an error envelope (HTML from a proxy, plain text, an
    /// empty body). `body_excerpt` is the body as text, HTML tags removed, at most ~300 characters.
    Http { status: u16, body_excerpt: String },
    /// A 2xx body that is not Prometheus API JSON; `detail` says what is wrong and where (serde's
    /// line and column), with a hint when the cause is recognisable (cut off, HTML, empty).
    Decode { detail: String },
}

impl PromError {
    /// The class, for the error badge.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PromError::Api { .. } => ErrorKind::Api,
            PromError::Http { .. } => ErrorKind::Http,
            PromError::Decode { .. } => ErrorKind::Decode,
        }
    }

    /// Badge text: `Query error`, `HTTP 502`, `Invalid response`.
    pub fn kind_label(&self) -> String {
        match self {
            PromError::Api { .. } => "Query error".to_string(),
            PromError::Http { status, .. } => format!("HTTP {status}"),
            PromError::Decode { .. } => "Invalid response".to_string(),
        }
    }

    /// True for Prometheus' "exceeded maximum resolution of 11,000 points per timeseries" rejection,
    /// which a larger step or a shorter range fixes.
    pub fn is_resolution_limit(&self) -> bool {
        matches!(self, PromError::Api { message, .. } if message.contains("exceeded maximum resolution"))
    }
}

impl fmt::Display for PromError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromError::Api { error_type, message, .. } => {
                let what = match error_type.as_str() {
                    "bad_data" => "The source rejected the query",
                    "execution" => "The source could not execute the query",
                    "timeout" => "The query timed out in the source",
                    "canceled" => "The source canceled the query",
                    "internal" => "The source failed with an internal error",
                    "not_found" => "The source did not find what was asked for",
                    "not_acceptable" => "The source refused the request",
                    _ => "The source returned an error",
                };
                write!(f, "{what} ({error_type}): {message}")?;
                if self.is_resolution_limit() {
                    f.write_str(" — choose a larger step or a shorter time range.")?;
                } else if error_type == "timeout" {
                    f.write_str(" — try a shorter time range or a simpler query.")?;
                }
                Ok(())
            }
            PromError::Http { status, body_excerpt } => {
                write!(f, "HTTP {status}")?;
                if let Some(reason) = reason_phrase(*status) {
                    write!(f, " {reason}")?;
                }
                f.write_str(" from the data source")?;
                if let Some(hint) = status_hint(*status) {
                    write!(f, " ({hint})")?;
                }
                if body_excerpt.is_empty() {
                    f.write_str(", with an empty body.")
                } else {
                    write!(f, ": {body_excerpt}")
                }
            }
            PromError::Decode { detail } => write!(f, "The response is not valid Prometheus API JSON: {detail}"),
        }
    }
}

impl std::error::Error for PromError {}

/// Standard reason phrases for the statuses a data source or a proxy in front of it sends.
fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// What to try for a status, when there is a usual cause.
fn status_hint(status: u16) -> Option<&'static str> {
    Some(match status {
        401 | 403 => "check the data source's credentials in Settings",
        404 => "check the data source URL: it should be the Prometheus base URL, without /api/v1",
        414 | 431 => "the query is too long for a GET request; shorten it",
        429 => "the server is rate limiting; wait and retry",
        502..=504 => "the data source or a proxy in front of it is unavailable or too slow; retry later",
        _ => return None,
    })
}

/// Up to [`EXCERPT_CHARS`] characters of `body` as readable text: invalid UTF-8 replaced, HTML tags
/// (and `<script>`/`<style>` contents) removed, whitespace collapsed, `…` when cut.
pub(crate) fn body_excerpt(body: &[u8]) -> String {
    const SCAN_BYTES: usize = 16 * 1024;
    let head = body.get(..SCAN_BYTES).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    let looks_html = text.trim_start().starts_with('<');
    let mut out = String::new();
    let mut chars = 0usize;
    let head_only = body.len() > head.len();
    let mut cut = head_only;
    let mut pending_space = false;
    let mut rest = text.as_ref();
    while let Some(c) = rest.chars().next() {
        if looks_html && c == '<' {
            let lower_start: String = rest.chars().take(8).flat_map(char::to_lowercase).collect();
            let skip_to = if lower_start.starts_with("<script") {
                find_ci(rest, "</script>")
            } else if lower_start.starts_with("<style") {
                find_ci(rest, "</style>")
            } else {
                rest.find('>').map(|i| i + 1)
            };
            rest = rest.get(skip_to.unwrap_or(rest.len())..).unwrap_or("");
            pending_space = true;
            continue;
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
        // A replacement character at the very end of a cut head is a split character, not data.
        if c.is_whitespace() || (head_only && c == '\u{FFFD}' && rest.is_empty()) {
            pending_space = true;
            continue;
        }
        if chars >= EXCERPT_CHARS {
            cut = true;
            break;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        pending_space = false;
        out.push(c);
        chars += 1;
    }
    if cut && !out.is_empty() {
        out.push('…');
    }
    out
}

/// Characters kept by [`body_excerpt`].
const EXCERPT_CHARS: usize = 300;

/// Byte offset just past the first case-insensitive (ASCII) occurrence of `needle` in `hay`.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n)).map(|i| i + n.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_of_nginx_page_is_its_text() {
        let body = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(body_excerpt(body), "502 Bad Gateway 502 Bad Gateway nginx/1.25.3");
    }

    #[test]
    fn excerpt_drops_scripts_and_styles() {
        let body = b"<!DOCTYPE html><html><head><style>body{color:red}</style><SCRIPT>var a = '<b>';</script></head><body><p>Access denied</p></body></html>";
        assert_eq!(body_excerpt(body), "Access denied");
    }

    #[test]
    fn excerpt_is_cut_at_300_characters_with_an_ellipsis() {
        let body = "é".repeat(1000);
        let ex = body_excerpt(body.as_bytes());
        assert_eq!(ex.chars().count(), 301);
        assert!(ex.ends_with('…'));
    }

    #[test]
    fn excerpt_keeps_plain_text_and_replaces_invalid_utf8() {
        assert_eq!(body_excerpt(b"upstream connect error\n  reset"), "upstream connect error reset");
        assert_eq!(body_excerpt(b"bad \xff byte"), "bad \u{FFFD} byte");
        assert_eq!(body_excerpt(b""), "");
    }
}
