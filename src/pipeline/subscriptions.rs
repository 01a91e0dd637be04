//! Visitors' writes: subscribing, confirming, choosing components,
//! unsubscribing and answering "is everything working for you now?". They take
//! the one write path like every other change: the pipeline applies the rules
//! against storage (one writer, so a read-then-write is never raced), writes
//! the record with any email it causes in one transaction, and flushes before
//! the visitor is answered.

use chrono::{DateTime, Duration, Utc};

use super::desk::{CommandError, Done, SubscriptionCommand};
use crate::model::ComponentId;
use crate::outbox::{Envelope, Job, Letter};
use crate::store::{StoreError, SubscriberStore};
use crate::subscribers::{CONFIRMATIONS_PER_DAY, Subscribed, Subscriber};

/// Applies one visitor's write; nothing else changes with it.
pub(super) fn apply(
    store: &dyn SubscriberStore,
    command: SubscriptionCommand,
    now: DateTime<Utc>,
) -> Result<Done, StoreError> {
    Ok(match command {
        SubscriptionCommand::Subscribe {
            email,
            components,
            language,
        } => Done::Subscribed(subscribe(store, &email, components, language, now)?),
        SubscriptionCommand::Confirm { token } => Done::Subscriber(confirm(store, &token, now)?),
        SubscriptionCommand::SetComponents {
            token,
            components,
            language,
        } => {
            let found = store.subscriber_by_token(&token)?;
            let changed = found.map(|mut s| {
                s.components = components;
                s.language = language.or(s.language);
                s
            });
            if let Some(s) = &changed {
                store.save_subscriber(s, None)?;
            }
            Done::Subscriber(changed)
        }
        SubscriptionCommand::Unsubscribe { token } => {
            let found = store.subscriber_by_token(&token)?;
            if let Some(s) = &found {
                store.remove_subscriber(s)?;
            }
            Done::Removed(found.is_some())
        }
        SubscriptionCommand::Answer {
            incident,
            token,
            answer,
        } => {
            let found = store.subscriber_by_token(&token)?;
            if let Some(s) = &found {
                store.save_answer(&incident, &s.id, answer, now)?;
            }
            Done::Answered(found.is_some())
        }
        SubscriptionCommand::ExpirePending => Done::Expired(expire_pending(store, now)?),
    })
}

/// Subscribes `email` (already validated) to `components` (empty: all), or
/// re-sends its confirmation, queueing the email with the record.
fn subscribe(
    store: &dyn SubscriberStore,
    email: &str,
    components: Vec<ComponentId>,
    language: Option<String>,
    now: DateTime<Utc>,
) -> Result<Subscribed, StoreError> {
    let mut s = match store.subscriber_by_email(email)? {
        Some(s) => s,
        None => Subscriber::pending(store.new_subscriber_id()?, email, Vec::new(), now),
    };
    s.confirmations_sent
        .retain(|t| now - *t < Duration::days(1));
    if s.confirmations_sent.len() >= CONFIRMATIONS_PER_DAY {
        let oldest = s.confirmations_sent.iter().min().copied().unwrap_or(now);
        return Ok(Subscribed::Capped {
            retry_at: oldest + Duration::days(1),
        });
    }
    s.confirmations_sent.push(now);
    let (email, token) = (s.email.clone(), s.token.clone());
    let (letter, outcome) = if s.is_confirmed() {
        // In the language of the page used now; their setting stays theirs.
        (
            Letter::ManageLink {
                email,
                token,
                language,
            },
            Subscribed::ManageLinkQueued,
        )
    } else {
        s.components = components;
        s.language = language.clone();
        (
            Letter::Confirmation {
                email,
                token,
                language,
            },
            Subscribed::ConfirmationQueued,
        )
    };
    let job = Envelope::new(Job::Send(letter), now);
    store.save_subscriber(&s, Some(&job))?;
    Ok(outcome)
}

/// Confirms the subscription behind `token`; None if unknown or expired
/// (an expired one is forgotten).
fn confirm(
    store: &dyn SubscriberStore,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Subscriber>, StoreError> {
    let Some(mut s) = store.subscriber_by_token(token)? else {
        return Ok(None);
    };
    if s.is_stale(now) {
        store.remove_subscriber(&s)?;
        return Ok(None);
    }
    if !s.is_confirmed() {
        s.confirmed_at = Some(now);
        store.save_subscriber(&s, None)?;
    }
    Ok(Some(s))
}

/// Forgets subscriptions never confirmed in time; returns how many.
fn expire_pending(store: &dyn SubscriberStore, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let stale: Vec<Subscriber> = (store.all_subscribers()?.into_iter())
        .filter(|s| s.is_stale(now))
        .collect();
    for s in &stale {
        store.remove_subscriber(s)?;
    }
    Ok(stale.len())
}

/// Adds an already confirmed subscriber without sending anything (imports
/// from another tool, benchmarks), before Candor runs; an existing address
/// is left as it is. Returns whether it was added.
pub fn import_confirmed(
    store: &dyn SubscriberStore,
    email: &str,
    components: Vec<ComponentId>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if store.subscriber_by_email(email)?.is_some() {
        return Ok(false);
    }
    let s = Subscriber::confirmed(store.new_subscriber_id()?, email, components, now);
    store.save_subscriber(&s, None)?;
    Ok(true)
}

/// Details of a storage failure go to the log, where the caller puts them.
impl From<StoreError> for CommandError {
    fn from(_: StoreError) -> Self {
        CommandError::Storage
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::in_memory;

    fn at(days: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(20_000 + days)
    }

    fn subscribe_at(store: &dyn SubscriberStore, email: &str, now: DateTime<Utc>) -> Subscribed {
        let c = SubscriptionCommand::Subscribe {
            language: None,
            email: email.into(),
            components: Vec::new(),
        };
        match apply(store, c, now).unwrap() {
            Done::Subscribed(s) => s,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unconfirmed_subscription_expires_after_seven_days() {
        let store = in_memory();
        let start = at(0);
        subscribe_at(&*store, "late@example.com", start);
        subscribe_at(&*store, "sweep@example.com", start);
        let late = store
            .subscriber_by_email("late@example.com")
            .unwrap()
            .unwrap();
        let token = late.token;
        let c = SubscriptionCommand::Confirm { token };
        assert!(
            matches!(apply(&*store, c, at(8)).unwrap(), Done::Subscriber(None)),
            "an expired link confirms nothing"
        );
        assert!(
            store
                .subscriber_by_email("late@example.com")
                .unwrap()
                .is_none()
        );
        let expire = || SubscriptionCommand::ExpirePending;
        assert!(matches!(
            apply(&*store, expire(), at(6)).unwrap(),
            Done::Expired(0)
        ));
        assert!(matches!(
            apply(&*store, expire(), at(8)).unwrap(),
            Done::Expired(1)
        ));
        assert_eq!(store.subscriber_counts().unwrap(), (0, 0));
    }

    #[test]
    fn a_fourth_subscribe_in_a_day_queues_nothing_and_a_confirmed_address_gets_its_manage_link() {
        let store = in_memory();
        for _ in 0..3 {
            assert_eq!(
                subscribe_at(&*store, "a@example.com", at(0)),
                Subscribed::ConfirmationQueued
            );
        }
        assert_eq!(
            subscribe_at(&*store, "a@example.com", at(0)),
            Subscribed::Capped {
                retry_at: at(0) + Duration::days(1)
            }
        );
        assert_eq!(store.outbox_counts().unwrap().queued, 3);
        let token = store
            .subscriber_by_email("a@example.com")
            .unwrap()
            .unwrap()
            .token;
        let c = SubscriptionCommand::Confirm { token };
        assert!(matches!(
            apply(&*store, c, at(1)).unwrap(),
            Done::Subscriber(Some(_))
        ));
        assert_eq!(
            subscribe_at(&*store, "a@example.com", at(2)),
            Subscribed::ManageLinkQueued
        );
        let (_, last) = store.jobs(None, usize::MAX).unwrap().pop().unwrap();
        assert!(matches!(last.job, Job::Send(Letter::ManageLink { .. })));
    }
}
