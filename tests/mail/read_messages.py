"""Reads email messages with Python's own parser (email, policy.default) and prints what the
tests check, as JSON: per message its header names, From/To/Cc/Subject/Message-ID decoded, the
parser's defects, the plain-text body, and its attachments (name, size), each written to
OUTDIR/NN-M.bin for the tests to compare and read.

    python read_messages.py OUTDIR MESSAGE.eml...
"""

import email
import email.policy
import json
import os
import sys


def defects_of(msg):
    found = [type(d).__name__ for d in msg.defects]
    for part in msg.walk():
        if part is not msg:
            found += [type(d).__name__ for d in part.defects]
    return found


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    result = []
    for n, path in enumerate(sys.argv[2:]):
        with open(path, "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(("plain",))
        attachments = []
        for m, part in enumerate(msg.iter_attachments()):
            data = part.get_content()
            if isinstance(data, str):
                data = data.encode()
            file = os.path.join(out, "%02d-%d.bin" % (n, m))
            with open(file, "wb") as f:
                f.write(data)
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "file": file,
                }
            )
        result.append(
            {
                "path": path,
                "headers": [k for k in msg.keys()],
                "from": str(msg["from"]),
                "to": str(msg["to"]),
                "cc": str(msg["cc"]) if msg["cc"] else None,
                "subject": str(msg["subject"]),
                "message_id": str(msg["message-id"]),
                "date": str(msg["date"]),
                "defects": defects_of(msg),
                "body": body.get_content() if body is not None else None,
                "attachments": attachments,
                "max_line": max(len(l) for l in raw.split(b"\r\n")),
                "ascii": all(b < 128 for b in raw),
            }
        )
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
