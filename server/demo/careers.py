"""The demo's careers: each role's titles, weights and specializations, fees, and the words of a profile."""
from __future__ import annotations

from contract.choices import ProfessionalRole
from server.demo.names import words

PHYSICIAN_FIELDS = words("""
Family Medicine, Internal Medicine, Pediatrics, Cardiology, Dermatology, Neurology, Oncology,
Orthopedic Surgery, Psychiatry, Radiology, Anesthesiology, Emergency Medicine,
Obstetrics and Gynecology, Gastroenterology, Endocrinology, Pulmonology, Nephrology, Urology,
Ophthalmology, Otolaryngology, General Surgery, Rheumatology, Infectious Disease, Geriatrics,
Pathology, Physical Medicine and Rehabilitation, Allergy and Immunology, Hematology, Sports Medicine,
Palliative Care
""")
SUBSPECIALTIES = words("""
Interventional Cardiology, Pediatric Oncology, Maternal-Fetal Medicine, Sleep Medicine,
Pain Management, Reproductive Endocrinology, Hand Surgery, Neuroradiology, Vascular Surgery,
Cardiac Electrophysiology, Pediatric Cardiology, Child and Adolescent Psychiatry
""")
PERSON = ""  # Mr., Ms. or Mrs., after the name's gender
# role -> (title, weight, specializations); weights are percentages of the role
CAREERS: dict[str, tuple[tuple[str, int, tuple[str, ...]], ...]] = {
    ProfessionalRole.PHYSICIAN: (("Dr.", 90, PHYSICIAN_FIELDS), ("Prof.", 10, PHYSICIAN_FIELDS)),
    ProfessionalRole.REGISTERED_NURSE: (
        ("RN", 70, words("Critical Care, Emergency Nursing, Pediatric Nursing, Oncology Nursing, "
                          "Labor and Delivery, Medical-Surgical, Perioperative, Psychiatric Nursing, "
                          "Neonatal Intensive Care, Cardiac Nursing, Wound Care, Dialysis, Public Health")),
        ("NP", 20, words("Family Practice, Adult-Gerontology Primary Care, Pediatric Primary Care, "
                          "Psychiatric-Mental Health, Women's Health, Acute Care")),
        ("LPN", 10, words("Long-Term Care, Medical-Surgical, Home Health, Rehabilitation")),
    ),
    ProfessionalRole.SPECIALIST: (
        ("Dr.", 35, SUBSPECIALTIES),
        ("PA", 15, words("Orthopedics, Dermatology, Emergency Medicine, Cardiothoracic Surgery")),
        ("PT", 15, words("Physical Therapy, Sports Rehabilitation, Pediatric Physical Therapy, "
                          "Vestibular Rehabilitation")),
        ("OT", 8, words("Occupational Therapy, Hand Therapy, Pediatric Occupational Therapy")),
        ("RT", 7, words("Respiratory Therapy, Pulmonary Rehabilitation")),
        ("RPh", 12, words("Clinical Pharmacy, Oncology Pharmacy, Ambulatory Care Pharmacy")),
        ("RD", 8, words("Clinical Nutrition, Diabetes Education, Pediatric Nutrition")),
    ),
    ProfessionalRole.MEDICAL_TECHNICIAN: (
        ("MT", 60, words("Clinical Laboratory Science, Microbiology, Blood Bank, Histology")),
        (PERSON, 40, words("Phlebotomy, Diagnostic Medical Sonography, Surgical Technology, "
                            "Cardiovascular Technology, Radiologic Technology, Pharmacy Technology")),
    ),
    ProfessionalRole.HEALTHCARE_ADMINISTRATOR: (
        (PERSON, 100, words("Hospital Administration, Health Information Management, Quality Improvement, "
                             "Revenue Cycle Management, Patient Safety, Practice Management, "
                             "Healthcare Compliance")),
    ),
    ProfessionalRole.OTHER: (
        ("MSW", 40, words("Medical Social Work, Case Management, Behavioral Health")),
        ("RD", 15, words("Community Nutrition, Sports Nutrition")),
        (PERSON, 45, words("Patient Advocacy, Medical Interpreting, Chaplaincy, Community Health, "
                            "Genetic Counseling")),
    ),
}
ROLE_WEIGHTS = {
    ProfessionalRole.PHYSICIAN: 34, ProfessionalRole.REGISTERED_NURSE: 28, ProfessionalRole.SPECIALIST: 16,
    ProfessionalRole.MEDICAL_TECHNICIAN: 10, ProfessionalRole.HEALTHCARE_ADMINISTRATOR: 6,
    ProfessionalRole.OTHER: 6,
}
PATIENT_FACING = {ProfessionalRole.PHYSICIAN, ProfessionalRole.REGISTERED_NURSE, ProfessionalRole.SPECIALIST}
# consultation fee range in dollars per title; (0, 0) means no fee
FEES = {
    "Dr.": (120, 420), "Prof.": (250, 600), "NP": (90, 220), "PA": (90, 200), "RN": (0, 110),
    "LPN": (0, 0), "RPh": (0, 60), "PT": (80, 180), "OT": (80, 170), "RT": (60, 140), "MT": (0, 0),
    "RD": (60, 150), "MSW": (60, 140), PERSON: (0, 0),
}
NOUNS = {
    "Dr.": "physician", "Prof.": "physician and clinical professor", "RN": "registered nurse",
    "NP": "nurse practitioner", "LPN": "licensed practical nurse", "PA": "physician assistant",
    "RPh": "pharmacist", "PT": "physical therapist", "OT": "occupational therapist",
    "RT": "respiratory therapist", "MT": "medical technologist", "RD": "registered dietitian",
    "MSW": "medical social worker",
}
LICENSE_LETTERS: dict[str, str] = {
    ProfessionalRole.PHYSICIAN: "A", ProfessionalRole.REGISTERED_NURSE: "R", ProfessionalRole.SPECIALIST: "S",
    ProfessionalRole.MEDICAL_TECHNICIAN: "T", ProfessionalRole.HEALTHCARE_ADMINISTRATOR: "H",
    ProfessionalRole.OTHER: "G",
}
LANGUAGES = words("""
Spanish, Mandarin, Cantonese, Hindi, Arabic, Vietnamese, Tagalog, French, Korean, Portuguese, Russian,
Haitian Creole, Amharic, Polish, Japanese, Gujarati, Yoruba, American Sign Language
""")
FOCUS = (
    "Special interests include preventive care and the management of chronic conditions.",
    "Known for clear explanations and for involving families in every decision.",
    "Takes part in the hospital's quality improvement and patient safety committees.",
    "Mentors students and new graduates during their clinical rotations.",
    "Has published on care coordination for patients with complex needs.",
    "Volunteers at a free community clinic one weekend a month.",
    "Focuses on evidence-based practice and shared decision making.",
)
EXTRA_INFO = (
    "Accepting new patients.", "Telehealth appointments available.", "Evening hours on Thursdays.",
    "Not accepting new patients at this time.", "Wheelchair-accessible office; free parking.",
    "Referral required for a first visit.",
)
REJECTION_NOTES = (
    "The uploaded document is illegible; please upload a clearer scan.",
    "The license number does not match the state board's record.",
    "The document shows an expired license; please upload your current license.",
    "The name on the license does not match the name on your profile.",
    "Page 2 of the license certificate is missing.",
)
# license situations in percent; "verified_past" is stored verified with a past expiry date (reads expired)
LICENSE_KINDS = {"verified": 75, "pending": 12, "rejected": 5, "expired": 4, "verified_past": 4}
