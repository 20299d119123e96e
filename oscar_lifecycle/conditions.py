"""Step conditions and journey goals: small named checks editors pick from a list."""

from django.utils.translation import gettext_lazy as _


class Condition:
    name = ""
    label = ""

    def is_met(self, enrollment):
        raise NotImplementedError


class HasNotOrderedSinceEnrollment(Condition):
    name = "not_ordered_since_enrollment"
    label = _("the contact has not ordered since entering the journey")

    def is_met(self, enrollment):
        last_order_at = enrollment.contact.last_order_at
        return last_order_at is None or last_order_at < enrollment.created_at


class HasOrdered(Condition):
    name = "has_ordered"
    label = _("the contact has ordered at least once")

    def is_met(self, enrollment):
        return enrollment.contact.last_order_at is not None


CONDITIONS = {condition.name: condition() for condition in (HasNotOrderedSinceEnrollment, HasOrdered)}

# Goals end an enrollment early: the runner when it processes an order, and the dispatcher
# before each send (engine/dispatch.py reads Oscar's orders).
ORDER_PLACED_GOAL = "order_placed"
GOALS = {ORDER_PLACED_GOAL: _("the contact places an order")}


def condition_choices():
    return [(name, condition.label) for name, condition in CONDITIONS.items()]


def goal_choices():
    return list(GOALS.items())
