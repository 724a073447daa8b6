"""`python -m coopbrochure`: the same as the `coopbrochure` command."""

from .cli import main

main(prog_name="coopbrochure")
