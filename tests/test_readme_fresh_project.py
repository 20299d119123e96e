"""The README's "Add it to an Oscar shop" blocks, added to a shop made as Oscar's "Building your own
shop" says, leave nothing for system checks to say about oscar_lifecycle, anymail or Wagtail.

The shop is built in a temporary folder from Django's `startproject`, the settings and URLs Oscar's
getting-started page adds, and each README block that follows a `<!-- fresh-project: ... -->`
marker; a new Python process imports it as its settings and runs what `manage.py check --deploy
--database default` runs. No database is migrated and nothing goes over the network.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import oscar
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
OSCAR_TEMPLATES = Path(oscar.__file__).resolve().parent / "templates"
BLOCK = re.compile(r"<!-- fresh-project: (?P<where>.+?) -->\n```\w*\n(?P<code>.*?)```", re.S)

# What Oscar's "Building your own shop" adds to startproject's settings and URLs.
OSCAR_SETTINGS = '''
import oscar
from oscar.defaults import *

INSTALLED_APPS = [*oscar.INSTALLED_APPS, "sorl.thumbnail"]
SITE_ID = 1
MIDDLEWARE += [
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]
TEMPLATES[0]["DIRS"] = [BASE_DIR / "templates"]
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "django.template.context_processors.i18n",
    "oscar.apps.search.context_processors.search_form",
    "oscar.apps.checkout.context_processors.checkout",
    "oscar.apps.communication.notifications.context_processors.notifications",
    "oscar.core.context_processors.metadata",
]
AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
'''
OSCAR_URLS = '''
from django.apps import apps
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include(apps.get_app_config("oscar").urls[0])),
]
'''

# Run in the shop's own process: what `check --deploy --database default` reports, and what the
# README's URLs and Celery app give.
INSPECT_THE_SHOP = '''
import json

import django
from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, reverse

django.setup()
import oscar_lifecycle
from shop.celery import app

app.loader.import_default_modules()


def path_of(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


print(json.dumps({
    "oscar_lifecycle": oscar_lifecycle.__file__,
    "messages": [
        {"id": message.id, "level": message.level, "msg": message.msg, "hint": message.hint}
        for message in checks.run_checks(include_deployment_checks=True, databases=["default"])
    ],
    "urls": {name: path_of(name) for name in (
        "anymail:postmark_tracking_webhook", "oscar_lifecycle:account", "wagtailadmin_home",
        "customer:register", "checkout:index",
    )},
    "scheduled": [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()],
    "tasks": sorted(name for name in app.tasks if name.startswith("oscar_lifecycle.")),
}))
'''


def readme_blocks():
    """{where: code} of the README's blocks marked for the fresh project, in the README's order."""
    blocks = {}
    for match in BLOCK.finditer(README.read_text()):
        blocks[match["where"]] = blocks.get(match["where"], "") + match["code"]
    return blocks


def copy_oscar_template(project, name):
    copy = project / "templates" / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(OSCAR_TEMPLATES / name, copy)
    return copy


def insert_before_last_submit_button(template, code):
    """``code`` on the line before the last submit button of ``template`` (the registration
    form's, in login_registration.html), as a shop's developer following the README puts it."""
    lines = template.read_text().splitlines(keepends=True)
    button = max(index for index, line in enumerate(lines) if "<button" in line and 'type="submit"' in line)
    lines.insert(button, code)
    template.write_text("".join(lines))


def consent_box(project, code):
    for name in ("oscar/customer/registration.html", "oscar/customer/login_registration.html",
                 "oscar/checkout/gateway.html"):
        insert_before_last_submit_button(copy_oscar_template(project, name), code)


def account_tab(project, code):
    tabs = copy_oscar_template(project, "oscar/customer/partials/standard_tabs.html")
    tabs.write_text(tabs.read_text() + code)


# What the markers of README blocks that are not a file of the project say to do.
TEMPLATE_BLOCKS = {
    "before the submit button of Oscar's registration and checkout gateway forms": consent_box,
    "at the end of standard_tabs.html": account_tab,
}


def fresh_shop(folder):
    """A shop made by startproject, Oscar's getting-started settings and URLs, then the README's blocks."""
    subprocess.run([sys.executable, "-m", "django", "startproject", "shop", str(folder)], check=True)
    with open(folder / "shop" / "settings.py", "a") as settings:
        settings.write(OSCAR_SETTINGS)
    (folder / "shop" / "urls.py").write_text(OSCAR_URLS)
    for where, code in readme_blocks().items():
        if where in TEMPLATE_BLOCKS:
            TEMPLATE_BLOCKS[where](folder, code)
        else:
            with open(folder / where, "a") as module:
                module.write("\n" + code)
    return folder


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """What the fresh shop's own process reports about itself."""
    folder = fresh_shop(tmp_path_factory.mktemp("fresh-project"))
    done = subprocess.run(
        [sys.executable, "-c", INSPECT_THE_SHOP], cwd=folder, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{folder}:{ROOT}", "DJANGO_SETTINGS_MODULE": "shop.settings"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_readme_marks_every_block_a_shop_needs():
    assert set(readme_blocks()) == {
        "shop/settings.py", "shop/urls.py", "shop/celery.py", "shop/__init__.py", *TEMPLATE_BLOCKS,
    }


def test_the_shop_runs_this_checkout_of_oscar_lifecycle(shop):
    assert Path(shop["oscar_lifecycle"]).resolve().is_relative_to(ROOT)


def test_checks_have_nothing_left_to_say_about_lifecycle_anymail_or_wagtail(shop):
    left = [f"{message['id']}: {message['msg']}" for message in shop["messages"]
            if not message["id"].startswith("security.")]
    assert left == [], "only the shop's own deployment settings (security.*) may remain"


def test_the_esp_webhook_the_readme_gives_is_the_one_anymail_serves(shop):
    webhook = shop["urls"]["anymail:postmark_tracking_webhook"]
    assert webhook == "/anymail/postmark/tracking/"
    assert f"@shop.example{webhook}" in README.read_text()


def test_oscar_pages_stay_where_oscar_puts_them(shop):
    assert shop["urls"]["customer:register"] == "/accounts/register/"
    assert shop["urls"]["checkout:index"] == "/checkout/"
    assert shop["urls"]["wagtailadmin_home"] == "/cms/"
    assert shop["urls"]["oscar_lifecycle:account"] == "/lifecycle/account/"


def test_celery_beat_runs_the_task_celery_registers(shop):
    assert shop["scheduled"] == ["oscar_lifecycle.run"]
    assert "oscar_lifecycle.run" in shop["tasks"]
