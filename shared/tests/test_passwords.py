"""argon2 hashing of passwords and PINs: right secret yes, anything else no, never an exception."""

from linli.shared.passwords import hash_secret, verify_secret


def test_hash_and_verify(app):
    with app.app_context():
        stored = hash_secret("2468")
        assert stored.startswith("$argon2id$") and "2468" not in stored
        assert verify_secret(stored, "2468")
        assert not verify_secret(stored, "2469")
        assert not verify_secret(hash_secret("2468"), "") and hash_secret("2468") != stored  # salted
        for broken in (None, "", "not-a-hash", "$argon2id$v=19$m=1,t=1,p=1$bad"):
            assert not verify_secret(broken, "linli-no-such-secret")  # the dummy's own secret included
