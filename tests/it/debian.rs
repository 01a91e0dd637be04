//! Debian packages the tests need, installed when missing (also used by
//! `benches/page_scale.rs`, which includes this file and `chromium.rs`).

use std::process::{Command, Stdio};

/// Whether the tests run as root (CI does).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Installs Debian packages a test needs (`args`: apt-get install's
/// arguments): with apt-get as root, or through `sudo -n` otherwise, waiting
/// for another apt-get's lock, and updating the package lists once if the
/// first try fails (a fresh machine may have none). `for_what` names the
/// tests in the error, which says how to install them by hand.
pub fn apt_install(args: &[&str], for_what: &str) -> Result<(), String> {
    let root = is_root();
    let apt = |args: &[&str]| {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.args(["-n", "apt-get"]);
            sudo
        };
        cmd.args(["-o", "DPkg::Lock::Timeout=300", "-q"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .output()
    };
    let install: Vec<&str> = ["install", "-y"].iter().chain(args).copied().collect();
    let ok =
        |r: &std::io::Result<std::process::Output>| r.as_ref().is_ok_and(|o| o.status.success());
    let mut result = apt(&install);
    if !ok(&result) {
        let _ = apt(&["update"]);
        result = apt(&install);
    }
    let command = format!("apt-get {}", install.join(" "));
    match result {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "could not install what {for_what} need: `{command}` {} exited with {}: {}",
            if root { "as root" } else { "through sudo -n" },
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!(
            "could not run apt-get to install what {for_what} need ({e}); install it by hand: {command}"
        )),
    }
}
