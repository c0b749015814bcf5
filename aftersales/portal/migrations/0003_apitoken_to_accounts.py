"""API keys move to the accounts app: the table is renamed, its rows stay (accounts 0002 takes
the model over)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0002_delete_benchping"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="ApiToken", table="accounts_apitoken"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ApiToken"),
            ],
        ),
    ]
