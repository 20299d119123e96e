from .contacts import ConsentEvent, Contact
from .enrollments import Enrollment
from .journeys import Journey, Step
from .messages import Message
from .settings import LifecycleSettings

__all__ = ["ConsentEvent", "Contact", "Enrollment", "Journey", "LifecycleSettings", "Message", "Step"]
