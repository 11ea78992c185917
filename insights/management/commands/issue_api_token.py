"""python manage.py issue_api_token --name NAME: a new statistics API token for a consuming
system, printed once (only its hash is stored). Revoke it in the admin (Reports → API tokens)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.services import issue_api_token


class Command(BaseCommand):
    help = "Issue a statistics API token for a consuming system and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The system that will use the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row, token = issue_api_token(name=options["name"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(f"Token #{row.pk} for {row.name}; keep it now, it is not shown again:")
        self.stdout.write(token)
