"""A merge tag with a brace too many or too few (``Hi {{ first_name }``) is no tag: it would
reach customers as typed. The editor's save refuses it, beside the field that holds it and
naming the text, in the subject, the preheader and every block that carries text.

Braces belong to merge tags: a brace outside a whole tag is refused even in prose such as
"use code {SAVE}", since it looks like a broken tag and an editor who meant it can write
the code without braces; refusing it costs a retyped word, letting a broken tag through costs an
email to every customer that says "Hi {first_name}}"."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from oscar.core.loading import get_model
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import rich_text, streamfield

from oscar_lifecycle.content.merge_tags import validate_merge_tags
from oscar_lifecycle.models import Journey
from tests.admin import journey_form, journey_url, step_form
from tests.shop import create_journey, image_file

Benefit = get_model("offer", "Benefit")
Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Range = get_model("offer", "Range")

# (what the editor typed, the text the refusal names)
STRAY = [
    ("Hi {{ first_name }", "{{ first_name }"),
    ("Hi {first_name}}", "{first_name}}"),
    ("Hi {{ first_name }}}", "{{ first_name }}}"),
    ("Hi {{ first_name }}{", "{{ first_name }}{"),
    ("Hi {{{ first_name }}}", "{{{ first_name }}}"),
    ("Hi { first_name }", "{ first_name }"),
    ("Hi first_name }}", "}}"),
    ("Hi {{ first_name", "{{ first_name"),
    ("Use code {SAVE}", "{SAVE}"),
]
BROKEN_MESSAGE = "outside a merge tag. Braces are kept for merge tags"


@pytest.mark.parametrize("text, named", STRAY)
def test_a_stray_brace_is_refused_naming_the_text(text, named):
    with pytest.raises(ValidationError) as raised:
        validate_merge_tags(text)

    [message] = raised.value.messages
    assert message.startswith(f"{named} has a brace outside a merge tag.")
    assert BROKEN_MESSAGE in message and "{{ first_name }}" in message


@pytest.mark.parametrize("text", [
    "{{ first_name }}{{ last_name }}",
    "{{ first_name }} and {{ last_name|default:\"friend\" }}",
    "<p>Hi <b>{{ first_name }}</b>, 100% off</p>",
    "No braces at all: (round) [square] <angle>",
])
def test_whole_tags_and_other_brackets_are_accepted(text):
    validate_merge_tags(text)


def test_a_stray_brace_and_an_unknown_tag_are_both_named():
    with pytest.raises(ValidationError) as raised:
        validate_merge_tags("{{ user.password }} and {first_name}}")

    unknown, broken = raised.value.messages
    assert unknown.startswith("{{ user.password }} is not a merge tag.")
    assert broken.startswith("{first_name}} has a brace outside a merge tag.")


def test_a_long_stretch_is_named_by_its_beginning():
    with pytest.raises(ValidationError, match=r"\{ " + "x" * 58 + "… has a brace"):
        validate_merge_tags("<p>{ " + "x" * 200 + "</p>")


# --- the editor's save --------------------------------------------------------------------------

@pytest.fixture
def editor_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@shop.test", "pw"))
    return client


@pytest.fixture
def journey(db):
    return create_journey("Welcome")


def body_with(kind, value):
    return {"body": [(kind, value)]}


def offer_id():
    everything = Range.objects.create(name="Everything", includes_all_products=True)
    return str(ConditionalOffer.objects.create(
        name="10% for you", offer_type=ConditionalOffer.VOUCHER,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=10),
    ).pk)


def image_id():
    Collection.add_root(name="Root")
    return get_image_model().objects.create(title="Banner", file=image_file("banner.png")).pk


BAD = "Hi {{ first_name }"
GRID = {"heading": "", "source": "best_sellers", "products": streamfield([]), "category": "",
        "max_products": 3, "columns": "3"}
RATING = {"question": "How was it?", "low_label": "Bad", "high_label": "Great"}
# (where the text is, as the error's path in the form, the step's fields for it)
PLACES = [
    ("subject", lambda: {"subject": BAD}),
    ("preheader", lambda: {"preheader": BAD}),
    ("body.0", lambda: body_with("heading", BAD)),
    ("body.0", lambda: body_with("text", rich_text(f"<p>{BAD}</p>"))),
    ("body.0.text", lambda: body_with("button", {"text": BAD, "url": "/catalogue/"})),
    ("body.0.url", lambda: body_with("button", {"text": "Go", "url": "/catalogue/?name={{ first_name }"})),
    ("body.0.alt_text", lambda: body_with("image", {"image": image_id(), "alt_text": BAD, "link": ""})),
    ("body.0.heading", lambda: body_with("product_grid", {**GRID, "heading": BAD})),
    ("body.0.question", lambda: body_with("rating", {**RATING, "question": BAD})),
    ("body.0.low_label", lambda: body_with("rating", {**RATING, "low_label": BAD})),
    ("body.0.high_label", lambda: body_with("rating", {**RATING, "high_label": BAD})),
    ("body.0.text", lambda: body_with("personal_offer", {
        "offer": offer_id(), "valid_days": 14, "text": rich_text(f"<p>{BAD}</p>")})),
    ("body.0.right", lambda: body_with("two_columns", {
        "left": rich_text("<p>Fine</p>"), "right": rich_text(f"<p>{BAD}</p>")})),
    ("body.0.content.0", lambda: body_with("stage_section", {
        "stage": "basket", "content": streamfield([("heading", BAD)])})),
]


def error_paths(errors, prefix=""):
    """{"body.0.low_label": [messages]} from a step form's errors (Wagtail's JSON for blocks)."""
    found = {}
    for name, value in errors.items():
        path = f"{prefix}{name}"
        if "messages" in value:
            found[path] = value["messages"]
        if "blockErrors" in value:
            found.update(error_paths({str(key): child for key, child in value["blockErrors"].items()}, f"{path}."))
    return found


def step_errors(response):
    [step] = response.context["form"].formsets["steps"].forms
    errors = {}
    for name, error_list in step.errors.as_data().items():
        [error] = error_list
        errors[name] = error.as_json_data() if hasattr(error, "as_json_data") else {"messages": error.messages}
    return error_paths(errors)


@pytest.mark.parametrize("path, fields", PLACES, ids=[
    "subject", "preheader", "heading", "text", "button text", "button link", "image alternative text",
    "product grid heading", "rating question", "rating low label", "rating high label", "personal offer text",
    "two columns", "stage section"])
def test_the_editor_cannot_save_a_stray_brace_anywhere_in_a_step(path, fields, editor_client, journey):
    saved = journey.steps.get()
    step = step_form(id=saved.pk, **fields())
    response = editor_client.post(journey_url("edit", journey),
                                  journey_form(steps=[step], initial=1, action="action-publish"))

    assert response.status_code == 200, "refused, the editor stays on the form"
    errors = step_errors(response)
    assert list(errors) == [path]
    [message] = errors[path]
    assert message.startswith("{{ first_name } has a brace outside a merge tag.")
    assert "{{ first_name } has a brace outside a merge tag." in html.unescape(response.content.decode())
    journey.refresh_from_db()
    assert journey.steps.get().subject == saved.subject and journey.revisions.count() == 1, "nothing was saved"
