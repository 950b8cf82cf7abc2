"""Secret tokens for tracking links: long, random, and stored only as a hash."""

from __future__ import annotations

import base64
import string

from qms.core.tokens import HASH_LENGTH, hash_token, make_token, token_matches

URL_SAFE = set(string.ascii_letters + string.digits + "-_")


def test_the_right_token_matches_its_hash():
    token, token_hash = make_token()
    assert token_matches(token, token_hash)


def test_a_wrong_token_does_not_match():
    token, token_hash = make_token()
    other, _other_hash = make_token()
    assert not token_matches(other, token_hash)
    assert not token_matches("", token_hash)
    assert not token_matches(token, "")
    assert not token_matches(token.upper() if token != token.upper() else token.lower(), token_hash)


def test_a_token_off_by_one_character_does_not_match():
    token, token_hash = make_token()
    for position in (0, len(token) // 2, len(token) - 1):
        replacement = "A" if token[position] != "A" else "B"
        altered = token[:position] + replacement + token[position + 1 :]
        assert not token_matches(altered, token_hash)
    assert not token_matches(token[:-1], token_hash)
    assert not token_matches(token + "x", token_hash)


def test_a_token_carries_at_least_128_bits_and_fits_in_a_url():
    token, _token_hash = make_token()
    padded = token + "=" * (-len(token) % 4)
    assert len(base64.urlsafe_b64decode(padded)) * 8 >= 128
    assert set(token) <= URL_SAFE
    assert len(token) >= 22


def test_tokens_are_unique():
    tokens = {make_token()[0] for _ in range(1000)}
    assert len(tokens) == 1000


def test_only_the_hash_is_stored_and_it_does_not_reveal_the_token():
    token, token_hash = make_token()
    assert token_hash == hash_token(token)
    assert len(token_hash) == HASH_LENGTH
    assert set(token_hash) <= set(string.hexdigits.lower())
    assert token not in token_hash
    # Hashing is deterministic, so the database can find the row by the hash of the token it is given.
    assert hash_token(token) == hash_token(token)
