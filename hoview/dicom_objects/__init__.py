"""Annotations to and from DICOM objects that other systems read. No Qt.

- :mod:`~hoview.dicom_objects.gsps_export`, :mod:`~hoview.dicom_objects.gsps_import`:
  Grayscale Softcopy Presentation State (PS3.3 A.33.1), arrows written three ways.
- :mod:`~hoview.dicom_objects.sr_export`, :mod:`~hoview.dicom_objects.sr_import`: the
  findings as a TID 1500 Measurement Report.
- :mod:`~hoview.dicom_objects.kos`: a Key Object Selection ("For Teaching").
- :mod:`~hoview.dicom_objects.deidentify`: the PS3.15 basic profile for teaching copies.
- :mod:`~hoview.dicom_objects.importing`: ``hoview import``, by SOP Class;
  :mod:`~hoview.dicom_objects.referenced_image` finds the image an object references.
- :mod:`~hoview.dicom_objects.sr_codes`: every code value written, with its source.
- :mod:`~hoview.dicom_objects.writing`: atomic writes with a one-line error.
"""
