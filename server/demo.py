"""Demo data for `seed-demo` and `serve --demo`: the demo accounts, hospitals, providers and their activity.

Every value comes from one seeded random generator, ids included, so a given provider count
always gives the same people, emails and license numbers; only dates and times are relative to
now. Providers are written with bulk_create in batches, each row with its own revision from a
reserved block: 100,000 take seconds, where Provider.save() would take many minutes.
"""
from __future__ import annotations

import random
import shutil
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from contract.choices import LicenseStatus, NotificationLevel, ProfessionalRole, Role
from server.accounts.models import User
from server.credentialing.models import AuditAction, AuditEvent
from server.demo_documents import attach_demo_documents
from server.directory.choices import AppointmentStatus
from server.directory.models import (
    Appointment,
    Hospital,
    Notification,
    Provider,
    RevisionCounter,
    revisions_reserve,
    search_text_of,
)

DEMO_PASSWORD = "demo-pass-2026"
SEED = 20260214
BATCH = 5000
# Providers after the demo provider that get appointments, notifications and an audit trail.
WITH_ACTIVITY = 500
HISTORY_DAYS = 548


def _words(text: str) -> tuple[str, ...]:
    """Comma-separated entries (names may hold spaces), without repeats."""
    return tuple(dict.fromkeys(w.strip() for w in text.replace("\n", ",").split(",") if w.strip()))


FEMALE_NAMES = _words("""
Olivia, Emma, Charlotte, Amelia, Sophia, Isabella, Ava, Mia, Evelyn, Harper, Abigail, Emily, Elizabeth,
Madison, Avery, Ella, Scarlett, Grace, Chloe, Victoria, Riley, Aria, Lily, Hannah, Zoe, Nora, Eleanor,
Hazel, Aurora, Savannah, Audrey, Claire, Lucy, Anna, Caroline, Naomi, Ruby, Alice, Sarah, Rachel,
Rebecca, Laura, Megan, Jessica, Jennifer, Michelle, Stephanie, Nicole, Katherine, Margaret, Patricia,
Linda, Barbara, Susan, Karen, Nancy, Lisa, Deborah, Sandra, Donna, Angela, Melissa, Amanda, Heather,
Christina, Kimberly, Andrea, Monica, Diana, Teresa, Julia, Natalie, Vanessa, Erin, Molly, Kathleen,
Siobhan, Aoife, Fiona, Ingrid, Astrid, Freya, Sigrid, Greta, Katarzyna, Agnieszka, Olga, Irina,
Svetlana, Tatiana, Anastasia, Natalia, Elena, Ana, María, Lucía, Carmen, Guadalupe, Valentina, Camila,
Daniela, Gabriela, Mariana, Ximena, Fernanda, Paola, Alejandra, Beatriz, Inês, Francesca, Giulia,
Chiara, Alessandra, Sophie, Camille, Léa, Manon, Amélie, Anneke, Saskia, Priya, Ananya, Aishwarya,
Deepika, Kavya, Lakshmi, Meera, Neha, Pooja, Sunita, Divya, Shreya, Fatima, Aisha, Layla, Mariam, Noor,
Yasmin, Zainab, Leila, Samira, Amira, Rania, Mei, Xiu, Jing, Yan, Hui, Ling, Xin, Yuki, Haruka, Sakura,
Aiko, Emi, Hana, Ji-woo, Seo-yeon, Min-ji, Eun-ji, Linh, Thu, Lan, Hoa, Ngoc, Trang, Chiamaka, Ngozi,
Amara, Adaeze, Folake, Abena, Akosua, Zuri, Wanjiru, Nia, Imani, Aaliyah, Keisha, Jasmine, Maya,
Leilani, Malia, Kalani, Rivka, Miriam, Tova, Shira, Esther, Zeynep, Elif, Ayşe, Defne, Selin, Parisa,
Shirin, Niloufar, Roya, Dilnoza, Gulnara
""")
MALE_NAMES = _words("""
Liam, Noah, Oliver, James, Elijah, William, Henry, Lucas, Benjamin, Theodore, Jack, Levi, Alexander,
Mason, Michael, Daniel, Matthew, Samuel, David, Joseph, John, Robert, Thomas, Charles, Christopher,
Andrew, Joshua, Ryan, Nathan, Brandon, Kevin, Brian, Jason, Eric, Steven, Timothy, Patrick, Sean,
Connor, Owen, Caleb, Isaac, Gabriel, Adam, Aaron, Ethan, Jacob, Dylan, Tyler, Gregory, Raymond, Walter,
Peter, Paul, Mark, Frank, George, Edward, Declan, Cormac, Eoin, Ciarán, Lars, Erik, Magnus, Anders,
Søren, Henrik, Piotr, Tomasz, Krzysztof, Jakub, Dmitri, Sergei, Ivan, Alexei, Mikhail, Nikolai, José,
Juan, Carlos, Luis, Miguel, Alejandro, Diego, Javier, Mateo, Santiago, Andrés, Rafael, Fernando,
Ricardo, Eduardo, João, Pedro, Tiago, Marco, Luca, Giovanni, Matteo, Lorenzo, Pierre, Julien, Étienne,
Mathieu, Antoine, Pieter, Arjun, Rohan, Vikram, Rahul, Aditya, Sanjay, Rajesh, Anil, Karthik, Sunil,
Amit, Nikhil, Mohammed, Ahmed, Omar, Ali, Hassan, Youssef, Karim, Tariq, Khalid, Bilal, Hamza, Wei,
Jun, Hao, Ming, Lei, Jian, Tao, Kenji, Hiroshi, Takeshi, Haruto, Ren, Daichi, Min-jun, Seo-jun,
Ji-hoon, Hyun-woo, Minh, Duc, Quang, Tuan, Hieu, Bao, Chinedu, Emeka, Obinna, Tunde, Kwame, Kofi, Yaw,
Jabari, Tendai, Themba, Sipho, Malik, Darnell, Jamal, DeShawn, Andre, Marcus, Terrence, Kai, Keoni,
Makoa, Avi, Eitan, Noam, Yosef, Ari, Emre, Mehmet, Burak, Dariush, Reza, Arash, Farid, Timur, Rustam
""")
LAST_NAMES = _words("""
Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, Hernandez, Lopez,
Gonzalez, Wilson, Anderson, Thomas, Taylor, Moore, Jackson, Martin, Lee, Perez, Thompson, White, Harris,
Sanchez, Clark, Ramirez, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott, Torres, Nguyen,
Hill, Flores, Green, Adams, Nelson, Baker, Hall, Rivera, Campbell, Mitchell, Carter, Roberts, Gomez,
Phillips, Evans, Turner, Diaz, Parker, Cruz, Edwards, Collins, Reyes, Stewart, Morris, Morales, Murphy,
Cook, Rogers, Gutierrez, Ortiz, Morgan, Cooper, Peterson, Bailey, Reed, Kelly, Howard, Ramos, Kim, Cox,
Ward, Richardson, Watson, Brooks, Chavez, Wood, Bennett, Gray, Mendoza, Ruiz, Hughes, Price, Alvarez,
Castillo, Sanders, Patel, Myers, Long, Ross, Foster, Jimenez, Powell, Jenkins, Perry, Russell,
Sullivan, Bell, Coleman, Butler, Henderson, Barnes, Fisher, Vasquez, Simmons, Romero, Jordan,
Patterson, Hamilton, Graham, Reynolds, Griffin, Wallace, Moreno, West, Cole, Hayes, Bryant, Herrera,
Gibson, Ellis, Tran, Medina, Aguilar, Stevens, Murray, Ford, Castro, Marshall, Owens, Harrison,
Fernandez, McDonald, Woods, Washington, Kennedy, Wells, Vargas, Chen, Freeman, Webb, Tucker, Guzman,
Burns, Crawford, Olson, Simpson, Porter, Hunter, Gordon, Mendez, Silva, Shaw, Snyder, Dixon, Muñoz,
Holmes, Palmer, Wagner, Black, Robertson, Boyd, Stone, Salazar, Fox, Warren, Mills, Meyer, Rice,
Schmidt, Garza, Daniels, Ferguson, Nichols, Soto, Weaver, Gardner, Payne, Grant, Dunn, Spencer,
Hawkins, Arnold, Pierce, Hansen, Peters, Santos, Hart, Bradley, Knight, Elliott, Cunningham, Duncan,
Armstrong, Hudson, Carroll, Lane, Andrews, Alvarado, Delgado, Berry, Perkins, Hoffman, Johnston,
Matthews, Peña, Richards, Contreras, Willis, Carpenter, Lawrence, Sandoval, O'Brien, O'Connor,
O'Neill, McCarthy, Gallagher, Byrne, Kowalski, Nowak, Wiśniewski, Lewandowski, Zieliński, Ivanov,
Petrov, Smirnov, Volkov, Kuznetsov, Popescu, Horvath, Novak, Müller, Schneider, Fischer, Weber,
Becker, Lindqvist, Johansson, Andersson, Nilsson, Larsen, Jensen, Virtanen, Rossi, Russo, Ferrari,
Esposito, Bianchi, Romano, Colombo, Ricci, Moreau, Dubois, Laurent, Lefebvre, Fontaine, Dupont,
De Jong, Van Dijk, Janssen, Singh, Sharma, Gupta, Kumar, Reddy, Iyer, Nair, Rao, Mehta, Desai, Shah,
Chopra, Kapoor, Banerjee, Chatterjee, Mukherjee, Das, Khan, Ahmed, Hussain, Rahman, Haddad, Nasser,
Khoury, Saleh, Mansour, Farah, Abdullah, Karimi, Tehrani, Wang, Li, Zhang, Liu, Yang, Huang, Zhao, Wu,
Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, Lin, Gao, Luo, Tanaka, Suzuki, Takahashi, Watanabe, Ito, Yamamoto,
Nakamura, Kobayashi, Sato, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Pham, Le, Hoang, Huynh, Vo,
Dang, Bui, Ngo, Duong, Bautista, Dela Cruz, Okafor, Okonkwo, Adeyemi, Nwosu, Eze, Mensah, Boateng,
Asante, Owusu, Diallo, Traoré, Kamara, Mwangi, Otieno, Tesfaye, Haile, Bekele, Abebe, Nkosi, Dlamini,
Cohen, Levi, Friedman, Katz, Goldberg, Shapiro, Rosenberg, Yilmaz, Kaya, Demir, Şahin, Çelik,
Kahananui, Akana, Begay, Yazzie, Tsosie, Oliveira, Souza, Costa, Pereira, Almeida, Ferreira, Gomes
""")

# name, city, state, email domain
HOSPITALS = (
    ("St. Mary's Medical Center", "San Francisco", "CA", "stmarys-sf.org"),
    ("Golden Gate Regional Hospital", "San Francisco", "CA", "goldengateregional.org"),
    ("Cedar Valley Medical Center", "Los Angeles", "CA", "cedarvalleymc.org"),
    ("Pacific Coast Children's Hospital", "Los Angeles", "CA", "pacificcoastchildrens.org"),
    ("Harborview Community Hospital", "Seattle", "WA", "harborviewcommunity.org"),
    ("Puget Sound Medical Center", "Seattle", "WA", "pugetsoundmc.org"),
    ("Sacred Heart Medical Center", "Portland", "OR", "sacredheart-pdx.org"),
    ("Mercy General Hospital", "Chicago", "IL", "mercygeneral-chicago.org"),
    ("Lakeshore University Hospital", "Chicago", "IL", "lakeshoreuh.org"),
    ("Riverside Memorial Hospital", "New York", "NY", "riversidememorial.org"),
    ("Hudson Valley Medical Center", "New York", "NY", "hudsonvalleymc.org"),
    ("Brooklyn Heights Hospital", "New York", "NY", "brooklynheightshospital.org"),
    ("Beacon Hill General Hospital", "Boston", "MA", "beaconhillgeneral.org"),
    ("New England Heart Institute", "Boston", "MA", "neheart.org"),
    ("Lone Star Medical Center", "Houston", "TX", "lonestarmc.org"),
    ("Gulf Coast Regional Hospital", "Houston", "TX", "gulfcoastregional.org"),
    ("Desert Springs Medical Center", "Phoenix", "AZ", "desertspringsmc.org"),
    ("Sonoran Valley Hospital", "Phoenix", "AZ", "sonoranvalley.org"),
    ("Rocky Mountain Regional Medical Center", "Denver", "CO", "rockymountainregional.org"),
    ("Peachtree Memorial Hospital", "Atlanta", "GA", "peachtreememorial.org"),
    ("Biscayne Bay Medical Center", "Miami", "FL", "biscaynebaymc.org"),
    ("Northstar Medical Center", "Minneapolis", "MN", "northstarmc.org"),
    ("Cumberland Valley Hospital", "Nashville", "TN", "cumberlandvalley.org"),
    ("Schuylkill River Hospital", "Philadelphia", "PA", "schuylkillriver.org"),
    ("Cuyahoga Valley Medical Center", "Cleveland", "OH", "cuyahogavalleymc.org"),
)
PRACTICES = (
    ("Evergreen Family Practice", "Seattle", "WA", "evergreenfamily.com"),
    ("Bayside Pediatrics", "San Francisco", "CA", "baysidepeds.com"),
    ("Mission District Community Clinic", "San Francisco", "CA", "missionclinic.org"),
    ("Sunset Dermatology Associates", "Los Angeles", "CA", "sunsetderm.com"),
    ("Westwood Orthopedic Group", "Los Angeles", "CA", "westwoodortho.com"),
    ("Rose City Physical Therapy", "Portland", "OR", "rosecitypt.com"),
    ("Lakeview Internal Medicine", "Chicago", "IL", "lakeviewim.com"),
    ("Windy City Women's Health", "Chicago", "IL", "windycitywomens.com"),
    ("Gramercy Cardiology", "New York", "NY", "gramercycardio.com"),
    ("Harlem Family Health Center", "New York", "NY", "harlemfamilyhealth.org"),
    ("Back Bay Eye Associates", "Boston", "MA", "backbayeye.com"),
    ("Cambridge Behavioral Health", "Boston", "MA", "cambridgebh.com"),
    ("Bayou City Sports Medicine", "Houston", "TX", "bayoucitysports.com"),
    ("Camelback Urgent Care", "Phoenix", "AZ", "camelbackurgent.com"),
    ("Front Range Pulmonary Clinic", "Denver", "CO", "frontrangepulmonary.com"),
    ("Midtown Atlanta Primary Care", "Atlanta", "GA", "midtownprimary.com"),
    ("Coral Gables Endocrinology", "Miami", "FL", "coralgablesendo.com"),
    ("Twin Cities Rehabilitation", "Minneapolis", "MN", "twincitiesrehab.com"),
    ("Music Row Family Medicine", "Nashville", "TN", "musicrowfm.com"),
    ("Rittenhouse Allergy and Asthma", "Philadelphia", "PA", "rittenhouseallergy.com"),
    ("Lake Erie Diagnostic Laboratory", "Cleveland", "OH", "lakeeriediagnostics.com"),
    ("Northside Home Health Services", "Chicago", "IL", "northsidehomehealth.com"),
)
AREA_CODES = {
    "CA": (415, 628, 213, 310, 323), "WA": (206, 425), "OR": (503, 971), "IL": (312, 773, 872),
    "NY": (212, 646, 718, 917), "MA": (617, 857), "TX": (713, 832, 281), "AZ": (602, 480, 623),
    "CO": (303, 720), "GA": (404, 678, 470), "FL": (305, 786), "MN": (612, 651), "TN": (615, 629),
    "PA": (215, 267), "OH": (216, 440),
}
PERSONAL_DOMAINS = ("example.com", "example.net", "example.org")

PHYSICIAN_FIELDS = _words("""
Family Medicine, Internal Medicine, Pediatrics, Cardiology, Dermatology, Neurology, Oncology,
Orthopedic Surgery, Psychiatry, Radiology, Anesthesiology, Emergency Medicine,
Obstetrics and Gynecology, Gastroenterology, Endocrinology, Pulmonology, Nephrology, Urology,
Ophthalmology, Otolaryngology, General Surgery, Rheumatology, Infectious Disease, Geriatrics,
Pathology, Physical Medicine and Rehabilitation, Allergy and Immunology, Hematology, Sports Medicine,
Palliative Care
""")
SUBSPECIALTIES = _words("""
Interventional Cardiology, Pediatric Oncology, Maternal-Fetal Medicine, Sleep Medicine,
Pain Management, Reproductive Endocrinology, Hand Surgery, Neuroradiology, Vascular Surgery,
Cardiac Electrophysiology, Pediatric Cardiology, Child and Adolescent Psychiatry
""")
PERSON = ""  # Mr., Ms. or Mrs., after the name's gender
# role -> (title, weight, specializations); weights are percentages of the role
CAREERS: dict[str, tuple[tuple[str, int, tuple[str, ...]], ...]] = {
    ProfessionalRole.PHYSICIAN: (("Dr.", 90, PHYSICIAN_FIELDS), ("Prof.", 10, PHYSICIAN_FIELDS)),
    ProfessionalRole.REGISTERED_NURSE: (
        ("RN", 70, _words("Critical Care, Emergency Nursing, Pediatric Nursing, Oncology Nursing, "
                          "Labor and Delivery, Medical-Surgical, Perioperative, Psychiatric Nursing, "
                          "Neonatal Intensive Care, Cardiac Nursing, Wound Care, Dialysis, Public Health")),
        ("NP", 20, _words("Family Practice, Adult-Gerontology Primary Care, Pediatric Primary Care, "
                          "Psychiatric-Mental Health, Women's Health, Acute Care")),
        ("LPN", 10, _words("Long-Term Care, Medical-Surgical, Home Health, Rehabilitation")),
    ),
    ProfessionalRole.SPECIALIST: (
        ("Dr.", 35, SUBSPECIALTIES),
        ("PA", 15, _words("Orthopedics, Dermatology, Emergency Medicine, Cardiothoracic Surgery")),
        ("PT", 15, _words("Physical Therapy, Sports Rehabilitation, Pediatric Physical Therapy, "
                          "Vestibular Rehabilitation")),
        ("OT", 8, _words("Occupational Therapy, Hand Therapy, Pediatric Occupational Therapy")),
        ("RT", 7, _words("Respiratory Therapy, Pulmonary Rehabilitation")),
        ("RPh", 12, _words("Clinical Pharmacy, Oncology Pharmacy, Ambulatory Care Pharmacy")),
        ("RD", 8, _words("Clinical Nutrition, Diabetes Education, Pediatric Nutrition")),
    ),
    ProfessionalRole.MEDICAL_TECHNICIAN: (
        ("MT", 60, _words("Clinical Laboratory Science, Microbiology, Blood Bank, Histology")),
        (PERSON, 40, _words("Phlebotomy, Diagnostic Medical Sonography, Surgical Technology, "
                            "Cardiovascular Technology, Radiologic Technology, Pharmacy Technology")),
    ),
    ProfessionalRole.HEALTHCARE_ADMINISTRATOR: (
        (PERSON, 100, _words("Hospital Administration, Health Information Management, Quality Improvement, "
                             "Revenue Cycle Management, Patient Safety, Practice Management, "
                             "Healthcare Compliance")),
    ),
    ProfessionalRole.OTHER: (
        ("MSW", 40, _words("Medical Social Work, Case Management, Behavioral Health")),
        ("RD", 15, _words("Community Nutrition, Sports Nutrition")),
        (PERSON, 45, _words("Patient Advocacy, Medical Interpreting, Chaplaincy, Community Health, "
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
LANGUAGES = _words("""
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


@dataclass(frozen=True)
class Organization:
    name: str
    city: str
    state: str
    domain: str
    hospital: Hospital | None


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _ascii(text: str) -> str:
    """Lower-case letters only: "Nguyễn" -> "nguyen", "O'Brien" -> "obrien"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalpha())


def _weighted(rng: random.Random, options: dict[Any, int]) -> Any:
    return rng.choices(list(options), weights=list(options.values()))[0]


class ProviderMaker:
    """Draws providers one at a time; keeps emails and license numbers unique."""

    def __init__(self, rng: random.Random, hospitals: list[Organization], now: datetime) -> None:
        self.rng, self.now, self.today = rng, now, now.date()
        self.hospitals = hospitals
        self.practices = [Organization(n, c, s, d, None) for n, c, s, d in PRACTICES]
        self.emails: set[str] = set()
        self.licenses: set[str] = set()

    def make(self) -> tuple[Provider, list[uuid.UUID]]:
        """A new provider (revision still 0) and the ids of the hospitals it works at."""
        rng = self.rng
        provider_id, female = _uuid(rng), rng.random() < 0.56
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(LAST_NAMES)
        role = _weighted(rng, ROLE_WEIGHTS)
        title, specialization = self.career(role, female)
        org = rng.choice(self.hospitals if rng.random() < 0.7 else self.practices)
        years = self.years(title)
        fields = {
            "professional_title": title, "first_name": first, "last_name": last,
            "email": self.email(first, last, org), "phone_number": self.phone(org.state),
            "organization_facility": org.name, "professional_role": role, "specialization": specialization,
            "license_number": self.license_number(org.state, role), "years_of_experience": years,
            "consultation_fee": self.fee(title), "is_active": rng.random() >= 0.02,
            **self.license(), **self.texts(title, first, last, org, specialization, years),
        }
        return self.provider(provider_id, fields), self.links(org)

    def provider(self, provider_id: uuid.UUID, fields: dict[str, Any]) -> Provider:
        age = self.age(fields["license_status"], fields.get("license_expiry_date"))
        created = self.now - age
        updated = created + age * self.rng.random() ** 3
        return Provider(id=provider_id, created_at=created, updated_at=updated, revision=0,
                        search_text=search_text_of(**fields), **fields)

    def age(self, status: str, expiry: date | None) -> timedelta:
        """How long ago the provider registered: recently when pending, before an expired license's end."""
        if status == LicenseStatus.PENDING:
            return timedelta(days=self.rng.uniform(0, 75))
        if expiry is not None and expiry < self.today:
            return timedelta(days=self.rng.uniform((self.today - expiry).days + 30, HISTORY_DAYS))
        return timedelta(days=HISTORY_DAYS * self.rng.random() ** 1.25)

    def career(self, role: str, female: bool) -> tuple[str, str]:
        options = CAREERS[role]
        title, _, fields = self.rng.choices(options, weights=[weight for _, weight, _ in options])[0]
        specialization = "" if self.rng.random() < 0.02 else self.rng.choice(fields)
        if title == PERSON:
            title = ("Mrs." if self.rng.random() < 0.3 else "Ms.") if female else "Mr."
        return title, specialization

    def years(self, title: str) -> int:
        if title == "Prof.":
            return int(self.rng.triangular(15, 42, 24))
        return int(self.rng.triangular(0, 40, 9))

    def fee(self, title: str) -> Decimal:
        low, high = FEES.get(title, (0, 0))
        if high == 0 or self.rng.random() < 0.1:
            return Decimal("0.00")
        cents = self.rng.choice((0, 0, 0, 0, 50, 99))
        return Decimal(f"{self.rng.randrange(low, high + 1, 5)}.{cents:02d}")

    def email(self, first: str, last: str, org: Organization) -> str:
        first_part, last_part = _ascii(first), _ascii(last)
        local = self.rng.choice((f"{first_part}.{last_part}", f"{first_part[0]}{last_part}",
                                 f"{first_part}{last_part}", f"{first_part}_{last_part}"))
        domain = org.domain if self.rng.random() < 0.7 else self.rng.choice(PERSONAL_DOMAINS)
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        return email

    def phone(self, state: str) -> str:
        area = self.rng.choice(AREA_CODES[state])
        exchange, line, style = self.rng.randint(201, 989), self.rng.randint(0, 9999), self.rng.random()
        if style < 0.05:
            return ""
        if style < 0.2:
            return f"+1 {area}-{exchange}-{line:04d}"
        return f"({area}) {exchange}-{line:04d}"

    def license_number(self, state: str, role: str) -> str:
        while True:
            number = f"{state}-{LICENSE_LETTERS[role]}{self.rng.randint(0, 999_999):06d}"
            if number.upper() not in self.licenses:
                self.licenses.add(number.upper())
                return number

    def license(self) -> dict[str, Any]:
        """Mostly verified (expiring over the next two years); some pending, rejected or expired."""
        kind = _weighted(self.rng, LICENSE_KINDS)
        days, note = self.rng.randint(1, 730), self.rng.choice(REJECTION_NOTES)
        ahead, past = self.today + timedelta(days), self.today - timedelta(days // 4 + 1)
        situations: dict[str, dict[str, Any]] = {
            "verified": {"license_status": LicenseStatus.VERIFIED, "license_expiry_date": ahead},
            "verified_past": {"license_status": LicenseStatus.VERIFIED, "license_expiry_date": past},
            "expired": {"license_status": LicenseStatus.EXPIRED, "license_expiry_date": past},
            "rejected": {"license_status": LicenseStatus.REJECTED, "license_note": note},
            "pending": {"license_status": LicenseStatus.PENDING},
        }
        return situations[kind]

    def texts(self, title: str, first: str, last: str, org: Organization, field: str,
              years: int) -> dict[str, str]:
        noun = NOUNS.get(title, "healthcare professional")
        area = f" specializing in {field.lower()}" if field else ""
        name = f"{title} {first} {last}" if title in ("Dr.", "Prof.") else f"{first} {last}"
        bio = (f"{name} is a {noun}{area} at {org.name} in {org.city}. "
               f"{first} has {years} years of experience. {self.rng.choice(FOCUS)}")
        if self.rng.random() < 0.3:
            bio += f" Speaks English and {self.rng.choice(LANGUAGES)}."
        extra = self.rng.choice(EXTRA_INFO) if self.rng.random() < 0.35 else ""
        return {"bio": "" if self.rng.random() < 0.08 else bio, "additional_information": extra}

    def links(self, org: Organization) -> list[uuid.UUID]:
        """1 to 3 hospitals: the organization itself if it is one, then others nearby first."""
        count = self.rng.choice((1, 1, 2, 2, 2, 3))
        chosen = [org] if org.hospital else []
        nearby = [h for h in self.hospitals if h.state == org.state and h not in chosen]
        others = [h for h in self.hospitals if h.state != org.state]
        for pool in (nearby, others):
            wanted = min(count - len(chosen), len(pool))
            if wanted > 0:
                chosen += self.rng.sample(pool, wanted)
        return [h.hospital.pk for h in chosen if h.hospital is not None]


def database_is_empty() -> bool:
    return not (User.objects.exists() or Provider.objects.exists() or Hospital.objects.exists())


# Kept by a reset: Django's own catalogue, and the revision counter, so that revisions never go
# back and a client's old change-feed cursor cannot hide the new providers.
KEPT_TABLES = {"django_content_type", "auth_permission", RevisionCounter._meta.db_table}


def database_reset() -> None:
    """Erase all data (accounts, sessions, providers, tombstones, audit trail, documents)."""
    tables = [t for t in connection.introspection.django_table_names(only_existing=True, include_views=False)
              if t not in KEPT_TABLES]
    # One TRUNCATE / DELETE per table: deleting providers one by one would write a tombstone each.
    # Without foreign key checks SQLite empties a table at once instead of row by row (6 s for 100,000).
    with connection.constraint_checks_disabled():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=True))
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "license_documents", ignore_errors=True)


@contextmanager
def sqlite_cache(megabytes: int) -> Iterator[None]:
    """A bigger SQLite page cache for a big write: the default 2 MB makes 100,000 rows take 40 % longer."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * megabytes}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


@contextmanager
def timestamps_as_given() -> Iterator[None]:
    """Let bulk_create keep the seed's timestamps, which auto_now(_add) would replace with now."""
    fields = [cast(models.DateTimeField, model._meta.get_field(name)) for model, name in (
        (Provider, "created_at"), (Provider, "updated_at"), (Notification, "created_at"), (AuditEvent, "at"))]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def seed_demo(*, providers: int = 2000) -> dict[str, int]:
    """Fill an empty database with the demo accounts, hospitals and `providers` providers (at least 1).

    All or nothing: a failed seed leaves the database as it was.
    """
    rng, now, total = random.Random(SEED), datetime.now(UTC), max(providers, 1)
    with sqlite_cache(400), transaction.atomic():
        with timestamps_as_given():
            users = _accounts(rng)
            hospitals = _hospitals(rng)
            maker = ProviderMaker(rng, hospitals, now)
            first, links = _providers_write(maker, _demo_provider(maker, users[Role.PROVIDER]), total - 1)
            activity = _activity(random.Random(SEED + 1), first, users, now)
        documents = attach_demo_documents(users[Role.FACILITY_ADMIN])
    return {"accounts": len(users), "hospitals": len(hospitals), "providers": total, "hospital links": links,
            **activity, "license documents": documents}


def _accounts(rng: random.Random) -> dict[str, User]:
    password = make_password(DEMO_PASSWORD)  # once: each PBKDF2 hash takes about 0.4 s
    people = (
        (Role.FACILITY_ADMIN, "admin", "Jordan", "Ellis"),
        (Role.CREDENTIALING_OFFICER, "credentialing", "Priya", "Raman"),
        (Role.PROVIDER, "provider", "Amelia", "Carter"),
    )
    users: dict[str, User] = {
        role: User(id=_uuid(rng), email=f"{name}@demo.local", username=name, first_name=first, last_name=last,
                   role=role, password=password)
        for role, name, first, last in people
    }
    User.objects.bulk_create(users.values())
    return users


def _hospitals(rng: random.Random) -> list[Organization]:
    rows = [(Hospital(id=_uuid(rng), name=name, city=city), state, domain)
            for name, city, state, domain in HOSPITALS]
    Hospital.objects.bulk_create([hospital for hospital, _, _ in rows])
    return [Organization(h.name, h.city, state, domain, h) for h, state, domain in rows]


def _demo_provider(maker: ProviderMaker, user: User) -> tuple[Provider, list[uuid.UUID]]:
    """provider@demo.local's own profile: a verified family physician with a full record."""
    provider, _ = maker.make()  # for its id, and so that the draws after it do not depend on it
    fields = {
        "professional_title": "Dr.", "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "organization_facility": HOSPITALS[0][0], "phone_number": "(415) 555-0142",
        "professional_role": ProfessionalRole.PHYSICIAN, "specialization": "Family Medicine",
        "license_number": "CA-A482913", "license_status": LicenseStatus.VERIFIED,
        "license_expiry_date": maker.today + timedelta(days=290), "license_note": "", "is_active": True,
        "years_of_experience": 12, "consultation_fee": Decimal("180.00"),
        "bio": "Dr. Amelia Carter is a family physician at St. Mary's Medical Center in San Francisco. "
               "She cares for patients of every age, with a focus on preventive care and diabetes.",
        "additional_information": "Accepting new patients. Telehealth appointments available.",
    }
    maker.emails.add(user.email)
    maker.licenses.add(fields["license_number"].upper())
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.user = user
    provider.created_at = maker.now - timedelta(days=420)
    provider.updated_at = maker.now - timedelta(days=20)
    provider.search_text = search_text_of(**fields)
    return provider, [org.hospital.pk for org in maker.hospitals[:2] if org.hospital is not None]


def _providers_write(maker: ProviderMaker, demo: tuple[Provider, list[uuid.UUID]],
                     count: int) -> tuple[list[Provider], int]:
    """Write the demo provider and `count` more; answers the first WITH_ACTIVITY + 1 and the link count."""
    first = [demo[0]]
    batch, links = [demo], 0
    for index in range(count):
        batch.append(maker.make())
        if index < WITH_ACTIVITY:
            first.append(batch[-1][0])
        if len(batch) >= BATCH:
            links += _batch_write(batch)
            batch = []
    if batch:
        links += _batch_write(batch)
    return first, links


def _batch_write(batch: list[tuple[Provider, list[uuid.UUID]]]) -> int:
    """Insert providers with consecutive revisions of their own, and their hospital links."""
    last = revisions_reserve(len(batch))
    for offset, (provider, _) in enumerate(batch):
        provider.revision = last - len(batch) + 1 + offset
    Provider.objects.bulk_create([provider for provider, _ in batch], batch_size=BATCH)
    through = Provider.hospitals.through
    rows = [through(provider_id=provider.pk, hospital_id=hospital)
            for provider, hospitals in batch for hospital in hospitals]
    through.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _activity(rng: random.Random, providers: list[Provider], users: dict[str, User],
              now: datetime) -> dict[str, int]:
    """Appointments, notifications and audit events for the demo provider and the first others."""
    demo, *others = providers
    appointments = _appointments(rng, demo, 40, now, patients=24)
    notifications = _demo_notifications(rng, demo, appointments, now)
    events = _demo_events(demo, users, now)
    for provider in others:
        count = rng.randint(0, 20) if provider.professional_role in PATIENT_FACING else 0
        appointments += _appointments(rng, provider, count, now, patients=max(1, count * 3 // 4))
        notifications += _notifications(rng, provider, now)
        events += _events(rng, provider, users, now)
    Appointment.objects.bulk_create(appointments, batch_size=BATCH)
    Notification.objects.bulk_create(notifications, batch_size=BATCH)
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    return {"appointments": len(appointments), "notifications": len(notifications),
            "audit events": len(events)}


def _appointments(rng: random.Random, provider: Provider, count: int, now: datetime,
                  *, patients: int) -> list[Appointment]:
    """About two thirds in the past (mostly completed), the rest ahead (mostly scheduled)."""
    pool = [f"{rng.choice(FEMALE_NAMES + MALE_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(patients)]
    midnight = datetime.combine(now.date(), time(), tzinfo=UTC)
    rows = []
    for _ in range(count):
        past = rng.random() < 0.65
        day = -rng.randint(1, 150) if past else rng.randint(1, 45)
        at = midnight + timedelta(days=day, hours=rng.randint(8, 16), minutes=rng.choice((0, 15, 30, 45)))
        if past:
            status = _weighted(rng, {AppointmentStatus.COMPLETED: 80, AppointmentStatus.CANCELLED: 12,
                                     AppointmentStatus.NO_SHOW: 8})
        else:
            status = _weighted(rng, {AppointmentStatus.SCHEDULED: 85, AppointmentStatus.CANCELLED: 15})
        rows.append(Appointment(id=_uuid(rng), provider=provider, patient_name=rng.choice(pool),
                                scheduled_at=at, status=status))
    return rows


def _note(rng: random.Random, provider: Provider, level: str, message: str, at: datetime,
          read: bool) -> Notification:
    return Notification(id=_uuid(rng), provider=provider, level=level, message=message[:500], created_at=at,
                        read=read)


def _demo_notifications(rng: random.Random, demo: Provider, appointments: list[Appointment],
                        now: datetime) -> list[Notification]:
    created, day = demo.created_at, timedelta(days=1)
    items = [
        (NotificationLevel.INFO, "Welcome to ProviderDesk. Upload your license document so that it can be "
                                 "verified.", created, True),
        (NotificationLevel.ERROR, "The license document you uploaded could not be read. Please upload a "
                                  "clearer scan.", created + day, True),
        (NotificationLevel.SUCCESS, f"Your license was verified. It expires on {demo.license_expiry_date}.",
         created + 3 * day, True),
        (NotificationLevel.INFO, "Your profile changes were saved.", now - 20 * day, True),
        (NotificationLevel.INFO, "ProviderDesk will be down for maintenance on Sunday from 02:00 to 03:00 "
                                 "UTC.", now - 6 * day, False),
    ]
    ahead = sorted((a for a in appointments if a.scheduled_at > now), key=lambda a: a.scheduled_at)
    cancelled = [a for a in ahead if a.status == AppointmentStatus.CANCELLED]
    if cancelled:
        items.append((NotificationLevel.WARNING, f"{cancelled[0].patient_name} cancelled the appointment on "
                                                 f"{cancelled[0].scheduled_at:%B %d}.", now - 2 * day, False))
    if ahead:
        items.append((NotificationLevel.INFO, f"New appointment booked with {ahead[-1].patient_name} on "
                                              f"{ahead[-1].scheduled_at:%B %d at %H:%M}.",
                      now - timedelta(hours=5), False))
    return [_note(rng, demo, level, message, at, read) for level, message, at, read in items]


def _notifications(rng: random.Random, provider: Provider, now: datetime) -> list[Notification]:
    created, today = provider.created_at, now.date()
    decided = min(created + timedelta(days=rng.randint(1, 14)), now - timedelta(hours=1))
    welcome = "Welcome to ProviderDesk. Upload your license document so that it can be verified."
    items = [(NotificationLevel.INFO, welcome, created)]
    expiry, status = provider.license_expiry_date, provider.license_status
    if status == LicenseStatus.VERIFIED and expiry is not None:
        verified = f"Your license was verified. It expires on {expiry}."
        items.append((NotificationLevel.SUCCESS, verified, decided))
        if today <= expiry <= today + timedelta(days=90):
            soon = f"Your license expires on {expiry}. Upload your renewed license to keep it verified."
            items.append((NotificationLevel.WARNING, soon, now - timedelta(days=1)))
    elif status == LicenseStatus.REJECTED:
        rejected = f"Your license was rejected: {provider.license_note}"
        items.append((NotificationLevel.ERROR, rejected, decided))
    week_ago = now - timedelta(days=7)
    return [_note(rng, provider, level, message, at, at < week_ago) for level, message, at in items]


def _event(provider: Provider, actor: User, action: str, at: datetime, detail: str = "",
           fields: list[str] | None = None) -> AuditEvent:
    return AuditEvent(provider=provider, actor=actor, actor_email=actor.email, action=action, at=at,
                      detail=detail, fields=fields or [])


def _demo_events(demo: Provider, users: dict[str, User], now: datetime) -> list[AuditEvent]:
    me, officer, day = users[Role.PROVIDER], users[Role.CREDENTIALING_OFFICER], timedelta(days=1)
    return [
        _event(demo, me, AuditAction.REGISTERED, demo.created_at),
        _event(demo, officer, AuditAction.VERIFIED, demo.created_at + 3 * day,
               f"expires {demo.license_expiry_date}", ["license_status"]),
        _event(demo, me, AuditAction.UPDATED, now - 20 * day, "Changed: bio, phone_number",
               ["bio", "phone_number"]),
    ]


def _events(rng: random.Random, provider: Provider, users: dict[str, User],
            now: datetime) -> list[AuditEvent]:
    """Added by the facility administrator; decided by the credentialing officer; maybe deactivated."""
    admin, officer = users[Role.FACILITY_ADMIN], users[Role.CREDENTIALING_OFFICER]
    created = provider.created_at
    wait = timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8))
    decided = min(created + wait, now - timedelta(hours=1))
    events = [_event(provider, admin, AuditAction.CREATED, created)]
    if provider.license_status in (LicenseStatus.VERIFIED, LicenseStatus.EXPIRED):
        events.append(_event(provider, officer, AuditAction.VERIFIED, decided,
                             f"expires {provider.license_expiry_date}", ["license_status"]))
    elif provider.license_status == LicenseStatus.REJECTED:
        events.append(_event(provider, officer, AuditAction.REJECTED, decided, provider.license_note,
                             ["license_status"]))
    if not provider.is_active:
        events.append(_event(provider, admin, AuditAction.DEACTIVATED, max(decided, provider.updated_at),
                             "Changed: is_active", ["is_active"]))
    return events
