//! Log events generated from activity, and timestamps in Auth0's format.

use serde_json::{Value, json};

use crate::state::{Kind, Store};

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SS.000Z`.
pub(crate) fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (hour, minute, second) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}T{hour:02}:{minute:02}:{second:02}.000Z")
}

/// What a log event is about.
#[derive(Debug, Default)]
pub(crate) struct Event<'a> {
    pub(crate) kind: &'a str,
    pub(crate) description: &'a str,
    pub(crate) client_id: Option<&'a str>,
    pub(crate) user_id: Option<&'a str>,
}

/// Appends an Auth0 log event (`log_id` increasing, so checkpoint paging works).
pub(crate) fn log(store: &mut Store, now: i64, event: &Event<'_>) {
    store.log_seq += 1;
    let client_name = event
        .client_id
        .and_then(|id| store.get(Kind::Clients, id))
        .and_then(|c| c.get("name").cloned())
        .unwrap_or(Value::Null);
    let user_name = event
        .user_id
        .and_then(|id| store.get(Kind::Users, id))
        .and_then(|u| u.get("email").cloned())
        .unwrap_or(Value::Null);
    let log_id = format!("900{:053}", store.log_seq);
    let mut entry = json!({
        "log_id": log_id,
        "_id": log_id,
        "date": iso8601(now),
        "type": event.kind,
        "description": event.description,
        "ip": "127.0.0.1",
        "client_id": event.client_id,
        "client_name": client_name,
        "user_id": event.user_id,
        "user_name": user_name,
        "isMobile": false,
    });
    if let Value::Object(map) = &mut entry {
        map.retain(|_, v| !v.is_null());
    }
    store.logs.push(entry);
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(super::iso8601(1_700_000_000), "2023-11-14T22:13:20.000Z");
    }
}
