from .contacts import ConsentEvent, Contact
from .enrollments import Enrollment
from .journeys import Journey, Step
from .messages import Message

__all__ = ["ConsentEvent", "Contact", "Enrollment", "Journey", "Message", "Step"]
