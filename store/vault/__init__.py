"""The vault: its header and keys, envelopes, one replica file per device, and the open session.

Owns everything that touches ciphertext or the lock: `crypto` (vault.json, Argon2id, the
wrapped data keys, AES-GCM envelopes), `passphrase` (file and command sources), `encoding`
(a replica's JSON bytes), `replica` (one device's file as TinyDB storage) and `session` (an
unlocked vault opened by this device). Must never decide what a card means (that is
`store.cards`) nor how a file reached the folder (that is `sync`).
"""
