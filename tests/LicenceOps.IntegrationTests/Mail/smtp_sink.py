#!/usr/bin/python3
"""Loopback SMTP server for the mail tests (Debian package python3-aiosmtpd).

Stores every accepted message byte for byte as <dir>/<n>.eml, with its envelope in <n>.env (written first, the
.eml appears by rename, so a reader never sees half a message). Recipients whose address contains "reject"
are refused with 550, to test permanent failures, unless listed in <dir>/accepted.txt (a test "fixing" the
mailbox before resending). Prints READY once listening; exits when stdin closes, so a
crashed test run cannot leave it behind.
"""
import argparse
import os
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    def accepted(self):
        try:
            with open(os.path.join(self.directory, "accepted.txt"), encoding="utf-8") as listed:
                return {line.strip().lower() for line in listed if line.strip()}
        except FileNotFoundError:
            return set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address.lower() and address.lower() not in self.accepted():
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, "%d-%04d" % (time.time_ns(), self.count))
        with open(base + ".env", "w", encoding="utf-8") as env:
            env.write("MAIL FROM:%s\n" % envelope.mail_from)
            for rcpt in envelope.rcpt_tos:
                env.write("RCPT TO:%s\n" % rcpt)
        with open(base + ".tmp", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 2.0.0 stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir), hostname="127.0.0.1", port=args.port, decode_data=False)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
