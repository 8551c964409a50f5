//! Honest values for certreq's default attributes: this OS, this machine, this user.

use certreq_request::encode::ClientInfo;

/// The program name in the client-information attribute.
pub const PROCESS: &str = "certreq";
/// The key provider name in the enrollment-CSP attribute.
pub const PROVIDER: &str = "certreq-web software key store";

/// Who is asking, from the running system.
pub fn client_info() -> ClientInfo {
    ClientInfo {
        os_version: os_release(),
        machine: hostname(),
        user: user(),
        process: PROCESS.into(),
        provider: PROVIDER.into(),
    }
}

/// The kernel release (`uname -r`), or `unknown`.
fn os_release() -> String {
    read_trimmed("/proc/sys/kernel/osrelease")
        .or_else(|| command_output("uname", &["-r"]))
        .unwrap_or_else(|| "unknown".into())
}

/// The host name, or `unknown`.
fn hostname() -> String {
    read_trimmed("/proc/sys/kernel/hostname")
        .or_else(|| command_output("hostname", &[]))
        .or_else(|| command_output("uname", &["-n"]))
        .or_else(|| non_empty_env("HOSTNAME"))
        .unwrap_or_else(|| "unknown".into())
}

/// The login name, or `unknown`.
fn user() -> String {
    non_empty_env("USER")
        .or_else(|| non_empty_env("LOGNAME"))
        .unwrap_or_else(|| "unknown".into())
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn read_trimmed(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_filled_and_single_line() {
        let info = client_info();
        for v in [&info.os_version, &info.machine, &info.user] {
            assert!(!v.is_empty() && !v.contains('\n'), "{v:?}");
        }
        assert_eq!(info.process, "certreq");
        assert_eq!(info.provider, "certreq-web software key store");
    }
}
