"""Handing a letter on to programs outside the app: the mail client and the clipboard.

- `mailto`: who a letter goes to (the To: line), and the RFC 6068 `mailto:` URL for it.
- `message`: the letter as an RFC 5322 message in a private temp file, for a `mail_command`.
- `mail`: running the `mail_command` of config.yaml, or opening the `mailto:` URL.
- `clipboard`: OSC 52 and the system's clipboard tool (wl-copy, xclip, xsel, pbcopy, clip.exe).

The compose screen and the CLI (`compose --mailto`) both use these. Nothing here imports
Textual (the CLI must not load it to print a URL), records a letter as sent or touches the
vault: what went out is only ever recorded when the user says so, in the screen that asked.
Programs run only because the user pressed a key; a program that sends mail by itself is
run only after the screen asked (`MailCommand.sends`).
"""
