//! How the delivery worker's log lines name a letter: what kind it is, which
//! notice it carries, and which subscriber it is for, by id. Never the
//! address: logs are kept and shipped where personal data should not go.

use crate::outbox::Letter;

/// "notice 4f2a… for subscriber 0000000000000003"; `subscriber` is None when
/// the address is no longer stored (the subscriber left meanwhile).
pub fn describe(letter: &Letter, subscriber: Option<&str>) -> String {
    let whom = match subscriber {
        Some(id) => format!("subscriber {id}"),
        None => "a subscriber no longer stored".to_owned(),
    };
    match letter {
        Letter::Confirmation { .. } => format!("confirmation for {whom}"),
        Letter::ManageLink { .. } => format!("manage link for {whom}"),
        Letter::FollowConfirmation { incident, .. } => {
            format!("follow confirmation of {incident} for {whom}")
        }
        Letter::Notice { notice, .. } => format!(
            "notice {} of {} for {whom}",
            notice.update_id, notice.subject_id
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_is_named_by_kind_and_subscriber_id_never_by_address() {
        let letter = Letter::Confirmation {
            language: None,
            email: "a@[127.0.0.1]".into(),
            token: "ab".repeat(32),
        };
        let said = describe(&letter, Some("0000000000000007"));
        assert_eq!(said, "confirmation for subscriber 0000000000000007");
        let gone = describe(&letter, None);
        assert!(
            !gone.contains("127.0.0.1") && !gone.contains("abab"),
            "{gone}"
        );
    }
}
