"""The installed package: what `import twin` gives, how fast, and that it is the wheel."""

from __future__ import annotations

import subprocess
import sys
import sysconfig

import twin

PUBLIC = {
    "Client", "AsyncClient", "AsyncRun", "AsyncPager", "AsyncFollow", "RawResponse", "ConfigurationError", "Attempt", "Pager", "Page", "Me", "ApiKey", "CreatedApiKey", "Workspace",
    "Agent", "Run", "CancelResult", "Event", "Webhook", "CreatedWebhook", "Schedule",
    "Instructions", "InstructionVersion", "WebhookEvent", "final_output", "TwinError",
    "APIError", "APIStatusError", "BadRequestError", "AuthenticationError",
    "PermissionDeniedError", "NotFoundError", "ConflictError", "UnprocessableEntityError",
    "RateLimitError", "InternalServerError", "APIConnectionError", "APITimeoutError",
    "UnexpectedResponseError", "WaitTimeoutError", "WebhookVerificationError",
    "InvalidCronError", "webhooks", "cron", "testing",
}


def test_the_installed_wheel_is_tested_not_the_source_tree() -> None:
    site = sysconfig.get_paths()["purelib"]
    assert twin.__file__.startswith(site), twin.__file__
    assert twin._twin.__file__.endswith(".abi3.so")


def test_public_surface() -> None:
    missing = {n for n in PUBLIC if not hasattr(twin, n)}
    assert missing == set()
    assert PUBLIC <= set(twin.__all__)
    assert twin.__version__ == "0.1.0"
    for name in ("verify", "unwrap", "sign"):
        assert callable(getattr(twin.webhooks, name))
    assert callable(twin.cron.validate) and callable(twin.cron.next_times)
    assert twin.Agent.__module__ == "twin" and twin.Client.__module__ == "twin"


def test_the_wheel_make_test_python_installs_is_a_dev_build() -> None:
    # `make test-python` builds with `--profile dev` (debug assertions on); the release wheel
    # and the sdist say "release" (tests/dist checks them).
    assert twin.__build__ == "dev" == twin._twin.__build__
    assert "__build__" in twin.__all__


def test_exception_hierarchy() -> None:
    assert issubclass(twin.APIError, twin.TwinError)
    for cls in (twin.BadRequestError, twin.AuthenticationError, twin.PermissionDeniedError,
                twin.NotFoundError, twin.ConflictError, twin.UnprocessableEntityError,
                twin.RateLimitError, twin.InternalServerError):
        assert issubclass(cls, twin.APIStatusError) and issubclass(cls, twin.APIError)
    assert issubclass(twin.APITimeoutError, twin.APIConnectionError)
    assert issubclass(twin.APIConnectionError, twin.APIError)
    assert issubclass(twin.UnexpectedResponseError, twin.APIError)
    assert issubclass(twin.WaitTimeoutError, TimeoutError) and issubclass(twin.WaitTimeoutError, twin.TwinError)
    assert issubclass(twin.WebhookVerificationError, ValueError)
    assert issubclass(twin.InvalidCronError, ValueError)


def test_import_is_cheap() -> None:
    # What `import twin` must not pull in: its cost is the standard library it imports
    # (`typing` alone is about half of it; row 4 of bench/RESULTS.md has the times).
    heavy = ("asyncio", "typing", "json", "datetime", "re", "twin._async", "urllib.request",
             "http.client", "logging", "ssl", "email")
    code = f"import sys, twin; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
    code = "import sys, twin; twin.AsyncClient; print('twin._async' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", out.stdout
