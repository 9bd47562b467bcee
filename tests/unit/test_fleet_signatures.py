"""Webhook signatures checked against the senders' own published examples, not values computed here."""

from __future__ import annotations

import pytest

from swarm.fleet import Refused, verify_github, verify_standard, verify_vercel


def test_github_signature_matches_githubs_documented_example() -> None:
    # https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    verify_github(b"Hello, World!", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                  "It's a Secret to Everybody")
    with pytest.raises(Refused) as exc:
        verify_github(b"Hello, World?", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
                      "It's a Secret to Everybody")
    assert exc.value.status == 401
    with pytest.raises(Refused):
        verify_github(b"Hello, World!", None, "It's a Secret to Everybody")


def test_standard_webhooks_signature_matches_the_specs_example() -> None:
    # the Standard Webhooks specification's example (github.com/standard-webhooks/standard-webhooks, spec/standard-webhooks.md)
    body = b'{"test": 2432232314}'
    verify_standard(body, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", now=1614265330)
    with pytest.raises(Refused, match="5 minutes"):  # the same message an hour later is a replay
        verify_standard(body, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", now=1614265330 + 3600)
    with pytest.raises(Refused, match="bad"):
        verify_standard(body, "msg_other", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", now=1614265330)


def test_vercel_signature_is_hex_hmac_sha1_of_the_raw_body() -> None:
    # https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks: crypto.createHmac('sha1', secret).update(body).digest('hex')
    import hashlib
    import hmac

    body = b'{"type":"deployment.error"}'
    verify_vercel(body, hmac.new(b"s3cret", body, hashlib.sha1).hexdigest(), "s3cret")
    with pytest.raises(Refused):
        verify_vercel(body, hmac.new(b"other", body, hashlib.sha1).hexdigest(), "s3cret")


def test_the_fleet_file_names_its_checkpoint_database_and_refuses_what_it_does_not_know(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from memory.errors import ConfigError
    from swarm.fleet import load_fleet

    f = tmp_path / "fleet.toml"
    f.write_text('[fleet]\nstream = "s"\ncheckpoint_url = "postgresql://postgres@127.0.0.1/test"\n'
                 '[[service]]\nname = "a"\nrepo = "/tmp/a.git"\n')
    assert load_fleet(f).checkpoint_url == "postgresql://postgres@127.0.0.1/test"
    f.write_text('[fleet]\ncheckpoint_url = "sqlite:///x.db"\n')
    with pytest.raises(ConfigError, match="postgresql://"):
        load_fleet(f)
    f.write_text('[fleet]\nstreem = "typo"\n')
    with pytest.raises(ConfigError, match="streem"):
        load_fleet(f)
