"""Providers: one package per API (``telconf/providers/<name>/``), found through the registry.

``base`` is what every provider offers the conductor (read, diff, batch, execute,
export, items); ``http`` the transport they share (retries, limits, redaction). A
provider package exposes a ``telconf.core.registry.ProviderDescriptor`` registered in the
entry-point group ``telconf.providers``; nothing here names one.
"""
