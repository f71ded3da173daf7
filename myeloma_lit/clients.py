"""Who a request comes from, by one rule for the whole site: the API's throttles, the exports'
throttle and the admin's login lock-out all count per this address."""

from rest_framework.throttling import BaseThrottle


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXIES = n > 0 the n-th address from
    the right of X-Forwarded-For (the one the outermost trusted proxy saw). This is DRF's
    NUM_PROXIES rule, which settings sets from TRUSTED_PROXIES, so the API's throttles agree."""
    return BaseThrottle().get_ident(request)
