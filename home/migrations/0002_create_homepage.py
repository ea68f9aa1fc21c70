from django.db import migrations


def create_homepage(apps, schema_editor):
    """Replace Wagtail's "Welcome" page with a HomePage as the default site's root."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    welcome = Page.objects.filter(
        content_type__app_label="wagtailcore",
        content_type__model="page",
        slug="home",
        depth=2,
    ).first()
    if welcome is None:
        # Not a fresh database: someone already built a tree. Leave it alone.
        return
    locale_id = welcome.locale_id or Locale.objects.values_list("pk", flat=True)[0]
    path = welcome.path
    welcome.delete()  # its Site goes with it

    content_type, _ = ContentType.objects.get_or_create(
        app_label="home", model="homepage"
    )
    homepage = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=content_type,
        locale_id=locale_id,
        path=path,
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
    )
    Site.objects.create(
        hostname="localhost", port=80, root_page=homepage, is_default_site=True
    )


def remove_homepage(apps, schema_editor):
    HomePage = apps.get_model("home.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_homepage, remove_homepage),
    ]
