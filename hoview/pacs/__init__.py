"""DICOMweb client side: servers, auth, query, retrieve into a cache, push. No Qt.

Built on ``dicomweb-client`` (QIDO-RS, WADO-RS and STOW-RS, DICOM PS3.18).
"""
