"""Shared fixtures of the integration tests: the local HTTP server and the services opener
defined with the feed tests, for the page-source tests too."""

from tests.integration.test_fetch import open_services, server  # noqa: F401
