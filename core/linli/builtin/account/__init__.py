"""Built-in ``account``: logging in and out, and changing one's password.

Its pages are the site's, not a community's: the registry mounts them at the root
(``/login``, ``/logout``, ``/account/password``)."""

from __future__ import annotations

from linli import __version__
from linli.kernel.plugins import Manifest

manifest = Manifest(
    name="account",
    title={"zh_CN": "账号", "en": "Account"},
    icon="user",
    description={
        "zh_CN": "登录、退出和修改密码",
        "en": "Logging in and out, and changing one's password.",
    },
    version=__version__,
)
