from .activities import Activity
from .contacts import ConsentEvent, Contact
from .enrollments import Enrollment
from .journeys import Journey, Step
from .messages import Message
from .scans import ScanRun
from .settings import LifecycleSettings
from .surveys import SurveyResponse

__all__ = [
    "Activity", "ConsentEvent", "Contact", "Enrollment", "Journey", "LifecycleSettings", "Message", "ScanRun", "Step",
    "SurveyResponse",
]
