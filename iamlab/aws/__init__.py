"""The emulated AWS partition: accounts, IAM, STS and more, driven with real boto3.

>>> from iamlab.aws import Lab
>>> lab = Lab()
>>> a = lab.create_account("111111111111", name="A")
>>> a.client("sts").get_caller_identity()["Arn"]
'arn:aws:iam::111111111111:root'
"""

from .clock import Clock
from .errors import LabError, LabUsageError
from .lab import Lab, LabSnapshot

__all__ = ["Clock", "Lab", "LabError", "LabSnapshot", "LabUsageError"]
