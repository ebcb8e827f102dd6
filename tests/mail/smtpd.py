"""A real SMTP server for the email tests (aiosmtpd), on 127.0.0.1, storing every message it
accepts as NNNN.eml with its envelope in NNNN.json, in arrival order.

It offers STARTTLS with a throw-away certificate authority made at start (trustme; the CA's
certificate is written for the client to trust) and AUTH PLAIN/LOGIN, and can be told to
misbehave: refuse a recipient (550), defer messages to a recipient (451, N times, after the
message's text), drop the connection at the Nth MAIL command, or pause before storing each
message (so a test can kill the sender while it waits for a reply).

    python smtpd.py --store DIR --ready FILE [--tls CA.pem] [--auth USER:PASSWORD]
                    [--reject ADDR] [--defer ADDR:N] [--drop-at N] [--pause SECONDS]

FILE receives the port once the server listens. The server runs until it is killed.
"""

import argparse
import asyncio
import json
import os
import socket
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.store = args.store
        self.reject = set(args.reject)
        self.defer = {}
        for spec in args.defer:
            addr, _, times = spec.rpartition(":")
            self.defer[addr] = int(times)
        self.drop_at = args.drop_at
        self.mails = 0
        self.pause = args.pause
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        if self.drop_at and self.mails == self.drop_at:
            # The connection ends without a reply, as when a server restarts.
            server.transport.abort()
            return "421 4.3.2 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for addr in envelope.rcpt_tos:
            if self.defer.get(addr, 0) > 0:
                self.defer[addr] -= 1
                return "451 4.3.0 try again later"
        if self.pause:
            await asyncio.sleep(self.pause)
        self.count += 1
        name = os.path.join(self.store, "%04d" % self.count)
        with open(name + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        with open(name + ".json", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                },
                f,
            )
        os.rename(name + ".eml.tmp", name + ".eml")
        return "250 2.0.0 stored as %04d" % self.count


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--store", required=True)
    p.add_argument("--ready", required=True)
    p.add_argument("--tls", help="write the CA certificate here and offer STARTTLS")
    p.add_argument("--auth", help="USER:PASSWORD; AUTH is then required")
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--defer", action="append", default=[])
    p.add_argument("--drop-at", type=int, default=0)
    p.add_argument("--pause", type=float, default=0.0)
    args = p.parse_args()
    os.makedirs(args.store, exist_ok=True)

    kwargs = {}
    if args.tls:
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ctx = __import__("ssl").create_default_context(
            __import__("ssl").Purpose.CLIENT_AUTH
        )
        cert.configure_cert(ctx)
        ca.cert_pem.write_to_path(args.tls)
        kwargs["tls_context"] = ctx
        kwargs["require_starttls"] = True
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()
            )
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = bool(args.tls)

    port = free_port()
    controller = Controller(
        Handler(args), hostname="127.0.0.1", port=port, **kwargs
    )
    controller.start()
    with open(args.ready + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(args.ready + ".tmp", args.ready)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
