from .activities import Activity
from .attributes import ContactAttribute, ContactAttributeValue
from .campaigns import Campaign, CampaignSend
from .contacts import ConsentEvent, Contact
from .enrollments import Enrollment
from .events import Conversion, MessageEvent
from .journeys import Journey, Step
from .messages import Message
from .restocks import ProductRestock
from .scans import JourneyScan, ScanRun, SegmentMember
from .segments import Segment
from .settings import LifecycleSettings
from .signups import SignupAttempt
from .suppressions import Suppression
from .surveys import SurveyResponse
from .vouchers import PersonalVoucher

__all__ = [
    "Activity", "Campaign", "CampaignSend", "ConsentEvent", "Contact", "ContactAttribute", "ContactAttributeValue",
    "Conversion", "Enrollment", "Journey", "JourneyScan", "LifecycleSettings", "Message", "MessageEvent",
    "PersonalVoucher", "ProductRestock", "ScanRun", "Segment", "SegmentMember", "SignupAttempt", "Step",
    "Suppression", "SurveyResponse",
]
