"""IMAP manual engine.

The domain (model, loaders, rules, renderers) lives in this package's modules and never imports MkDocs.
mkdocs-macros loads this package and calls the four hooks below; they import the MkDocs adapter only when called,
so that importing the domain alone (as `make check` and the tests do) never imports MkDocs.
"""

from __future__ import annotations

from typing import Any


def define_env(env: Any) -> None:
    from macros import adapter

    adapter.define_env(env)


def on_pre_page_macros(env: Any) -> None:
    from macros import adapter

    adapter.on_pre_page_macros(env)


def on_post_page_macros(env: Any) -> None:
    from macros import adapter

    adapter.on_post_page_macros(env)


def on_post_build(env: Any) -> None:
    from macros import adapter

    adapter.on_post_build(env)
