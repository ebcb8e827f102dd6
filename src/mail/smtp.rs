//! The SMTP session: one connection to the organization's server, kept open from message to
//! message, over which each message is handed on step by step (MAIL, RCPT, DATA, the text),
//! so that a failure is known to lie before the text (nothing delivered: retry) or after it
//! (unknown: never retried on its own).
//!
//! TLS: `smtps://` is TLS from the start; `smtp://` upgrades with STARTTLS, which is
//! required unless the server is on this machine or the caller allows plain text. The
//! server's certificate is checked against the system's roots (rustls; `SSL_CERT_FILE`
//! names another bundle). Credentials are sent only over TLS (or to this machine).
//!
//! Replies 4xx and dropped connections before the text are retried with a doubling pause; a
//! 5xx fails the message (the session goes on with the next). `--rate` spaces messages.
//! This module sleeps and talks to the network; it does not read the environment or print.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, MailParameter};
use lettre::transport::smtp::response::Response;

/// Attempts per message (the first and the retries).
pub const ATTEMPTS: u32 = 5;
/// The pause before the first retry; it doubles for each next one.
pub const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// How long a connection may wait for the server.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The server to send through, from `--send smtp://host:port` or `smtps://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    /// `smtps://`: TLS from the first byte.
    pub implicit_tls: bool,
    /// Refuse to go on without TLS.
    pub require_tls: bool,
}

impl Server {
    /// Parses `smtp://host[:port]` (port 587, STARTTLS) or `smtps://host[:port]` (port 465).
    /// `insecure` allows a server without STARTTLS; a server on this machine (loopback) is
    /// allowed one anyway.
    ///
    /// ```
    /// use letterhead::internals::mail::Server;
    /// let s = Server::parse("smtp://mail.example.org", false).unwrap();
    /// assert_eq!((s.port, s.require_tls), (587, true));
    /// let s = Server::parse("smtp://127.0.0.1:2525", false).unwrap();
    /// assert!(!s.require_tls);
    /// assert!(Server::parse("smtp://user:secret@mail.example.org", false).is_err());
    /// ```
    pub fn parse(url: &str, insecure: bool) -> Result<Server, String> {
        let (implicit_tls, rest) = if let Some(rest) = url.strip_prefix("smtps://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("smtp://") {
            (false, rest)
        } else {
            return Err(format!(
                "`{url}` is not an SMTP server address (`smtp://host:port` or `smtps://host:port`)"
            ));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('@') {
            // Not repeated: the address holds a password.
            return Err(
                "the server address holds credentials; they are never given on the command line"
                    .to_string(),
            );
        }
        if rest.contains(['/', '?', '#']) {
            return Err(format!("`{url}` has a path; give only `host:port`"));
        }
        let default_port = if implicit_tls { 465 } else { 587 };
        let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
            let Some((host, after)) = v6.split_once(']') else {
                return Err(format!("`{url}`: the IPv6 address lacks its `]`"));
            };
            (host.to_string(), after.strip_prefix(':'))
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host.to_string(), Some(port)),
                None => (rest.to_string(), None),
            }
        };
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{url}`: `{p}` is not a port number"))?,
            None => default_port,
        };
        if host.is_empty() {
            return Err(format!("`{url}` names no host"));
        }
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
        Ok(Server {
            host,
            port,
            implicit_tls,
            require_tls: !implicit_tls && !loopback && !insecure,
        })
    }
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server accepted it (its reply).
    Accepted(String),
    /// The server refused it for good (5xx): not delivered.
    Rejected(String),
    /// The server refused it for now (4xx) every time: not delivered.
    Deferred(String),
    /// It could not be handed on (no connection, TLS or login failed): not delivered.
    NotSent(String),
    /// The connection ended between the message's text and the reply: maybe delivered.
    Unknown(String),
}

/// A step the caller records before it happens or after it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The message's text is about to go: record it as being sent.
    Text,
    /// The server refused the text for now; it will be tried again.
    Refused,
}

/// Sends messages through one server, one after another.
pub struct Sender {
    server: Server,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    conn: Option<SmtpConnection>,
    /// Least time between the starts of two messages (`--rate`).
    interval: Option<Duration>,
    last_start: Option<Instant>,
    /// A failure that every next message would meet (TLS missing, login refused).
    fatal: Option<String>,
    /// Attempts per message.
    pub attempts: u32,
    /// Pause before the first retry.
    pub first_pause: Duration,
}

impl Sender {
    /// A sender for `server`; `credentials` are user name and password; `per_minute` is
    /// `--rate`.
    pub fn new(
        server: Server,
        credentials: Option<(String, String)>,
        per_minute: Option<u32>,
    ) -> Result<Sender, String> {
        let tls = TlsParameters::builder(server.host.clone())
            .build_rustls()
            .map_err(|e| format!("cannot set up TLS: {}", error_text(&e)))?;
        Ok(Sender {
            server,
            tls: Some(tls),
            credentials: credentials.map(|(user, password)| Credentials::new(user, password)),
            conn: None,
            interval: per_minute
                .filter(|n| *n > 0)
                .map(|n| Duration::from_secs(60) / n),
            last_start: None,
            fatal: None,
            attempts: ATTEMPTS,
            first_pause: FIRST_PAUSE,
        })
    }

    /// Sends one message. `record` is called at each `Step`; when it fails for `Step::Text`,
    /// the text is not sent.
    pub fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        record: &mut dyn FnMut(Step) -> Result<(), String>,
    ) -> Delivery {
        if let Some(fatal) = &self.fatal {
            return Delivery::NotSent(fatal.clone());
        }
        if let (Some(interval), Some(last)) = (self.interval, self.last_start) {
            let next = last + interval;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        self.last_start = Some(Instant::now());
        let mut pause = self.first_pause;
        let mut last_problem = String::new();
        let mut connected = false;
        for attempt in 1..=self.attempts.max(1) {
            if attempt > 1 {
                std::thread::sleep(pause);
                pause = pause.saturating_mul(2);
            }
            match self.attempt(envelope, message, record) {
                Attempt::Done(delivery) => return delivery,
                Attempt::Retry(why) => {
                    connected = true;
                    last_problem = why;
                }
                Attempt::NoConnection(why) => last_problem = why,
                Attempt::RetryRefused(why) => {
                    connected = true;
                    if let Err(e) = record(Step::Refused) {
                        return Delivery::NotSent(e);
                    }
                    last_problem = why;
                }
            }
        }
        if !connected {
            // Every attempt failed to connect: the server is down or unreachable, and the next
            // messages would wait through the same retries. They fail at once instead.
            self.fatal = Some(last_problem.clone());
            return Delivery::NotSent(last_problem);
        }
        Delivery::Deferred(last_problem)
    }

    /// One attempt at a message.
    fn attempt(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        record: &mut dyn FnMut(Step) -> Result<(), String>,
    ) -> Attempt {
        let conn = match self.connection() {
            Ok(conn) => conn,
            Err(Failure::Fatal(why)) => {
                self.fatal = Some(why.clone());
                return Attempt::Done(Delivery::NotSent(why));
            }
            Err(Failure::Transient(why)) => return Attempt::NoConnection(why),
        };
        let mut params = Vec::new();
        let non_ascii = envelope
            .from()
            .into_iter()
            .chain(envelope.to())
            .any(|a| !a.to_string().is_ascii());
        if non_ascii {
            params.push(MailParameter::SmtpUtfEight);
        }
        // Before the text: a failure here delivered nothing.
        let before = (|| {
            conn.command(Mail::new(envelope.from().cloned(), params))?;
            for to in envelope.to() {
                conn.command(Rcpt::new(to.clone(), vec![]))?;
            }
            conn.command(Data)
        })();
        if let Err(e) = before {
            return self.refused_before_text(&e);
        }
        if let Err(why) = record(Step::Text) {
            // The text never goes: dropping the connection ends the transaction.
            self.drop_connection();
            return Attempt::Done(Delivery::NotSent(why));
        }
        let Some(conn) = self.conn.as_mut() else {
            return Attempt::Retry("the connection closed".into());
        };
        // The text and its end in one write: lettre writes the end on its own, and that small
        // packet then waits (Nagle) for the server's delayed acknowledgement, about 40 ms a
        // message. The message is 7-bit (lettre encodes every part), so it is text.
        let sent = match std::str::from_utf8(message) {
            Ok(text) => conn.command(Text(text)),
            Err(_) => conn.message(message),
        };
        match sent {
            Ok(response) => Attempt::Done(Delivery::Accepted(reply_text(&response))),
            Err(e) if e.is_permanent() => Attempt::Done(Delivery::Rejected(error_text(&e))),
            Err(e) if e.is_transient() => Attempt::RetryRefused(error_text(&e)),
            Err(e) => {
                self.drop_connection();
                Attempt::Done(Delivery::Unknown(format!(
                    "the connection ended before the server's reply to the message ({})",
                    error_text(&e)
                )))
            }
        }
    }

    /// A failure before the message's text: a refusal ends the transaction (RSET) and keeps
    /// the connection; anything else drops it.
    fn refused_before_text(&mut self, e: &lettre::transport::smtp::Error) -> Attempt {
        let refused = e.is_permanent() || e.is_transient();
        if refused {
            let reset = self.conn.as_mut().map(|c| c.command(Rset));
            if !matches!(reset, Some(Ok(_))) {
                self.drop_connection();
            }
        } else {
            self.drop_connection();
        }
        if e.is_permanent() {
            Attempt::Done(Delivery::Rejected(error_text(e)))
        } else {
            Attempt::Retry(error_text(e))
        }
    }

    /// The open connection, or a new one: greeting, STARTTLS, login.
    fn connection(&mut self) -> Result<&mut SmtpConnection, Failure> {
        if self.conn.as_ref().is_some_and(SmtpConnection::has_broken) {
            self.drop_connection();
        }
        if self.conn.is_none() {
            self.conn = Some(self.connect()?);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| Failure::Transient("no connection".into()))
    }

    fn connect(&self) -> Result<SmtpConnection, Failure> {
        let server = &self.server;
        let hello = ClientId::default();
        let implicit = if server.implicit_tls {
            self.tls.as_ref()
        } else {
            None
        };
        let address = (server.host.as_str(), server.port);
        let mut conn = SmtpConnection::connect(address, Some(TIMEOUT), &hello, implicit, None)
            .map_err(|e| {
                let why = format!(
                    "cannot connect to {}:{} ({})",
                    server.host,
                    server.port,
                    error_text(&e)
                );
                // A certificate that does not check out will not check out next time.
                if e.is_tls() || e.is_permanent() {
                    Failure::Fatal(why)
                } else {
                    Failure::Transient(why)
                }
            })?;
        if !server.implicit_tls {
            if conn.can_starttls() {
                let tls = self
                    .tls
                    .as_ref()
                    .ok_or_else(|| Failure::Fatal("TLS is not available in this build".into()))?;
                // A failed handshake (a certificate that does not check out) fails the same
                // way next time: no retries, no further messages.
                conn.starttls(tls, &hello).map_err(|e| {
                    Failure::Fatal(format!(
                        "STARTTLS with {} failed ({})",
                        server.host,
                        error_text(&e)
                    ))
                })?;
            } else if server.require_tls {
                conn.abort();
                return Err(Failure::Fatal(format!(
                    "{} does not offer STARTTLS; letters are not sent in plain text",
                    server.host
                )));
            }
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .map_err(|e| {
                    let why = format!("{} refused the login ({})", server.host, error_text(&e));
                    if e.is_transient() {
                        Failure::Transient(why)
                    } else {
                        Failure::Fatal(why)
                    }
                })?;
        }
        Ok(conn)
    }

    fn drop_connection(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            conn.abort();
        }
    }

    /// Ends the session politely.
    pub fn quit(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = conn.quit();
        }
    }
}

enum Attempt {
    Done(Delivery),
    /// Nothing delivered; try again.
    Retry(String),
    /// The text was refused for now (4xx); try again.
    RetryRefused(String),
    /// No connection could be made; try again.
    NoConnection(String),
}

enum Failure {
    Fatal(String),
    Transient(String),
}

/// A message's text as DATA sends it: lines starting with `.` get another (RFC 5321
/// 4.5.2), and `CRLF . CRLF` ends it.
struct Text<'a>(&'a str);

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.strip_suffix("\r\n").unwrap_or(self.0);
        for (i, line) in text.split("\r\n").enumerate() {
            if i > 0 {
                f.write_str("\r\n")?;
            }
            if line.starts_with('.') {
                f.write_str(".")?;
            }
            f.write_str(line)?;
        }
        f.write_str("\r\n.\r\n")
    }
}

/// A reply as `250 text`.
fn reply_text(response: &Response) -> String {
    let text: Vec<&str> = response.message().collect();
    format!("{} {}", response.code(), text.join(" "))
        .trim()
        .to_string()
}

/// An error as `550 text` for a reply, else lettre's words and the cause.
fn error_text(e: &lettre::transport::smtp::Error) -> String {
    let source = std::error::Error::source(e).map(ToString::to_string);
    match (e.status(), source) {
        (Some(code), Some(text)) => format!("{code} {text}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_text_is_dot_stuffed_and_ended() {
        assert_eq!(
            Text("a\r\n.b\r\n..c\r\n").to_string(),
            "a\r\n..b\r\n...c\r\n.\r\n"
        );
        assert_eq!(Text(".a").to_string(), "..a\r\n.\r\n");
    }

    #[test]
    fn server_addresses() {
        let s = Server::parse("smtps://mail.example.org", false).expect("smtps");
        assert_eq!((s.port, s.implicit_tls, s.require_tls), (465, true, false));
        let s = Server::parse("smtp://[::1]:2525", false).expect("v6");
        assert_eq!(
            (s.host.as_str(), s.port, s.require_tls),
            ("::1", 2525, false)
        );
        let s = Server::parse("smtp://mail.example.org:25", true).expect("insecure");
        assert!(!s.require_tls);
        let s = Server::parse("smtp://localhost:25", false).expect("localhost");
        assert!(!s.require_tls);
        for bad in [
            "http://mail.example.org",
            "smtp://",
            "smtp://mail.example.org:x",
            "smtp://mail.example.org:0",
            "smtp://u:p@mail.example.org",
            "smtp://mail.example.org/path",
        ] {
            assert!(Server::parse(bad, false).is_err(), "{bad}");
        }
    }
}
