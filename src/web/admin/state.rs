//! What the admin UI remembers, in memory only: signed-in sessions, each with
//! its CSRF token (wrong tokens are counted in `web::failures`, shared with
//! the API). A restart signs everyone out, which is the safe direction.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use actix_web::web;
use subtle::ConstantTimeEq;

use crate::web::Shared;

/// How long a sign-in lasts: one long outage shift.
pub const SESSION_LIFE: Duration = Duration::from_secs(12 * 3600);

/// One signed-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value: 32 random bytes, hex.
    pub id: String,
    /// Every form carries it; a POST without it is refused.
    pub csrf: String,
    expires: Instant,
}

impl Session {
    /// Compares a submitted CSRF token in constant time.
    pub fn csrf_matches(&self, given: &str) -> bool {
        self.csrf.as_bytes().ct_eq(given.as_bytes()).into()
    }
}

/// The admin UI's memory for one running app.
#[derive(Default)]
pub struct AdminState {
    sessions: Mutex<HashMap<String, Session>>,
}

impl AdminState {
    pub fn open_session(&self) -> Session {
        let now = Instant::now();
        let session = Session {
            id: random_hex(),
            csrf: random_hex(),
            expires: now + SESSION_LIFE,
        };
        let mut sessions = lock(&self.sessions);
        sessions.retain(|_, s| s.expires > now);
        sessions.insert(session.id.clone(), session.clone());
        session
    }

    /// The live session with this id, if any.
    pub fn session(&self, id: &str) -> Option<Session> {
        let mut sessions = lock(&self.sessions);
        match sessions.get(id) {
            Some(s) if s.expires > Instant::now() => Some(s.clone()),
            Some(_) => {
                sessions.remove(id);
                None
            }
            None => None,
        }
    }

    pub fn close_session(&self, id: &str) {
        lock(&self.sessions).remove(id);
    }
}

/// Each running app's admin state, found through its `Shared`. `Shared` belongs
/// to the whole web layer and handlers are built once per worker, so per-worker
/// `app_data` would split sessions between workers; this registry gives one
/// state per app (tests run several apps in one process). The `Weak` keeps the
/// allocation, so an address is never reused while its entry exists.
static APPS: LazyLock<Mutex<Vec<App>>> = LazyLock::new(Mutex::default);

type App = (Weak<Shared>, Arc<AdminState>);

pub fn of(shared: &web::Data<Shared>) -> Arc<AdminState> {
    let app: &Arc<Shared> = shared;
    let mut apps = lock(&APPS);
    apps.retain(|(w, _)| w.strong_count() > 0);
    if let Some((_, state)) = apps.iter().find(|(w, _)| w.as_ptr() == Arc::as_ptr(app)) {
        return state.clone();
    }
    let state = Arc::new(AdminState::default());
    apps.push((Arc::downgrade(app), state.clone()));
    state
}

/// 32 bytes from the OS-seeded CSPRNG, as hex.
fn random_hex() -> String {
    let bytes: [u8; 32] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A panic while holding these maps cannot leave them inconsistent, so a
/// poisoned lock is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_random_and_closed_ones_are_gone() {
        let state = AdminState::default();
        let a = state.open_session();
        let b = state.open_session();
        assert_eq!(a.id.len(), 64);
        assert_ne!(a.id, b.id);
        assert_ne!(a.csrf, a.id);
        assert!(state.session(&a.id).is_some());
        state.close_session(&a.id);
        assert!(state.session(&a.id).is_none());
        assert!(state.session(&b.id).is_some());
    }

    #[test]
    fn only_the_session_csrf_token_matches() {
        let s = AdminState::default().open_session();
        assert!(s.csrf_matches(&s.csrf.clone()));
        assert!(!s.csrf_matches(""));
        assert!(!s.csrf_matches(&s.csrf[..63]));
        assert!(!s.csrf_matches(&s.id));
    }
}
