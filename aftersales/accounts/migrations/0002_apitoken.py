"""API keys from the portal app: the model joins accounts on the table portal 0003 renamed
(no rows are copied), and its content type follows so that permissions and admin history
keep pointing at it."""

import django.db.models.deletion
from django.db import migrations, models


def content_type_to_accounts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="apitoken").exists():
        ContentType.objects.filter(app_label="portal", model="apitoken").update(
            app_label="accounts")


def content_type_to_portal(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="portal", model="apitoken").exists():
        ContentType.objects.filter(app_label="accounts", model="apitoken").update(
            app_label="portal")


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0003_apitoken_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("key_hash", models.CharField(max_length=64, unique=True,
                                                      verbose_name="key hash")),
                        ("prefix", models.CharField(max_length=8, verbose_name="key prefix")),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                        ("created_at", models.DateTimeField(auto_now_add=True,
                                                            verbose_name="created at")),
                        ("last_used_at", models.DateTimeField(blank=True, null=True,
                                                              verbose_name="last used at")),
                        ("user", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="api_tokens", to="accounts.user",
                            verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "API key",
                        "verbose_name_plural": "API keys",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_accounts, content_type_to_portal),
    ]
