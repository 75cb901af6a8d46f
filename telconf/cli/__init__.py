"""The ``telconf`` command line: the only place that prints and picks exit codes.

Each command lives in its own module and is imported only when it runs, so that
``telconf --help`` stays fast.
"""

from __future__ import annotations

import importlib

import click

from telconf import __version__
from telconf.cli.terminal import color_option

COMMANDS = {
    "validate": ("telconf.cli.validate", "validate", "Check a config file offline (schema and semantics)."),
    "render": ("telconf.cli.render", "render", "Print the config with includes merged and templates expanded."),
    "plan": ("telconf.cli.plan", "plan", "Show the API calls that would make the accounts match the file."),
    "apply": ("telconf.cli.apply", "apply", "Make the live accounts match the file (or a saved plan)."),
    "routes": ("telconf.cli.routes", "routes", "Show what a call to each number gets, over the week or at a moment."),
    "test": ("telconf.cli.test", "test", "Run route tests (telconf.tests.yaml) against the config, offline."),
    "show": ("telconf.cli.show", "show", "Render a plan saved by `plan --out` (text, json, markdown), offline."),
    "schedule": ("telconf.cli.schedule", "schedule", "List the coming changes of the config's overrides (dates)."),
    "export": ("telconf.cli.export", "export", "Write the live state of the accounts as a config file."),
    "accounts": ("telconf.cli.accounts", "accounts", "List the config's accounts (--json for a CI matrix)."),
    "schema": ("telconf.cli.schema", "schema", "Print the JSON Schema of the config (--plan: of the JSON plan)."),
    "emulator": ("telconf.cli.emulator", "emulator", "Serve the providers' APIs locally, for tests and trials."),
    "demo": ("telconf.cli.demo", "demo", "Plan and apply an example against built-in emulators."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use.

    Ctrl-C or SIGTERM before a command's own handling starts (while it is imported) ends
    as everywhere else: "Interrupted.", exit 130 or 143, never click's "Aborted!" (exit 1)
    or death by signal. Each command then handles both itself (``handles_errors``).
    """

    def invoke(self, ctx: click.Context) -> object:
        import signal
        import sys

        from telconf.core.errors import Terminated

        def terminate(signum: int, frame: object) -> None:
            raise Terminated()

        previous = signal.signal(signal.SIGTERM, terminate)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            terminated = isinstance(exc, Terminated)
            click.echo(f"Interrupted{' (SIGTERM)' if terminated else ''}.", err=True)
            sys.exit(128 + (signal.SIGTERM if terminated else signal.SIGINT))
        finally:
            signal.signal(signal.SIGTERM, previous)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        try:
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            return _not_yet(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: listing commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, _, help_) in COMMANDS.items()])


def _not_yet(name: str) -> click.Command:
    @click.command(name, help=COMMANDS[name][2])
    def command() -> None:
        raise click.ClickException(f"'telconf {name}' is not available in this build")

    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="telconf")
@color_option(default="auto")
def main() -> None:
    """Telephony configuration as code.

    Keep the settings of phone accounts (their numbers and what happens to calls) as
    YAML in Git, one provider per API; `plan` shows what would change, `apply` makes it
    so. `telconf schema` describes what each installed provider manages.

    \b
    Example:
        telconf validate -c telconf.yaml
        telconf plan -c telconf.yaml --format markdown
        telconf apply -c telconf.yaml --yes

    Shell completion (commands, options, account names): add to ~/.bashrc
    `eval "$(_TELCONF_COMPLETE=bash_source telconf)"` (zsh: zsh_source in ~/.zshrc;
    fish: `env _TELCONF_COMPLETE=fish_source telconf > ~/.config/fish/completions/telconf.fish`).
    """
