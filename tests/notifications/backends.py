"""A memory e-mail backend that refuses the addresses in `FlakyBackend.failing`, like an SMTP
server that rejects one recipient or drops the connection."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failing: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = set(message.to) & self.failing
            if refused:
                raise SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"mailbox unavailable")))
        return super().send_messages(messages)
