"""The `editors` group: correct places, aliases and mentions, import reports; nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "editors"

# Editors may add places because the review queue turns an unresolved name into a new place.
# Related items are shown read-only inside a report, which needs their view permission.
PERMISSIONS = [
    "view_place",
    "add_place",
    "change_place",
    "view_alias",
    "add_alias",
    "change_alias",
    "delete_alias",
    "view_mention",
    "change_mention",
    "view_article",
    "add_article",
    "view_relateditem",
    "view_historicalplace",
    "view_historicalalias",
    "view_historicalmention",
]


def create_editors(apps, schema_editor):
    # Permissions are made after migrate finishes; make them now so the group can hold them.
    db = schema_editor.connection.alias
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP)
    perms = Permission.objects.using(db).filter(
        content_type__app_label="articles", codename__in=PERMISSIONS
    )
    found = set(perms.values_list("codename", flat=True))
    missing = sorted(set(PERMISSIONS) - found)
    if missing:
        raise RuntimeError(f"permissions missing for the editors group: {', '.join(missing)}")
    group.permissions.set(perms)


def remove_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
