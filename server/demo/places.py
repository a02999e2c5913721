"""The demo's places: hospitals and practices (name, city, state, email domain), and their phone area codes."""
from __future__ import annotations

from dataclasses import dataclass

from server.demo.names import table
from server.directory.models import Hospital

HOSPITALS = table("""
St. Mary's Medical Center | San Francisco | CA | stmarys-sf.org
Golden Gate Regional Hospital | San Francisco | CA | goldengateregional.org
Cedar Valley Medical Center | Los Angeles | CA | cedarvalleymc.org
Pacific Coast Children's Hospital | Los Angeles | CA | pacificcoastchildrens.org
Harborview Community Hospital | Seattle | WA | harborviewcommunity.org
Puget Sound Medical Center | Seattle | WA | pugetsoundmc.org
Sacred Heart Medical Center | Portland | OR | sacredheart-pdx.org
Mercy General Hospital | Chicago | IL | mercygeneral-chicago.org
Lakeshore University Hospital | Chicago | IL | lakeshoreuh.org
Riverside Memorial Hospital | New York | NY | riversidememorial.org
Hudson Valley Medical Center | New York | NY | hudsonvalleymc.org
Brooklyn Heights Hospital | New York | NY | brooklynheightshospital.org
Beacon Hill General Hospital | Boston | MA | beaconhillgeneral.org
New England Heart Institute | Boston | MA | neheart.org
Lone Star Medical Center | Houston | TX | lonestarmc.org
Gulf Coast Regional Hospital | Houston | TX | gulfcoastregional.org
Desert Springs Medical Center | Phoenix | AZ | desertspringsmc.org
Sonoran Valley Hospital | Phoenix | AZ | sonoranvalley.org
Rocky Mountain Regional Medical Center | Denver | CO | rockymountainregional.org
Peachtree Memorial Hospital | Atlanta | GA | peachtreememorial.org
Biscayne Bay Medical Center | Miami | FL | biscaynebaymc.org
Northstar Medical Center | Minneapolis | MN | northstarmc.org
Cumberland Valley Hospital | Nashville | TN | cumberlandvalley.org
Schuylkill River Hospital | Philadelphia | PA | schuylkillriver.org
Cuyahoga Valley Medical Center | Cleveland | OH | cuyahogavalleymc.org
""")
PRACTICES = table("""
Evergreen Family Practice | Seattle | WA | evergreenfamily.com
Bayside Pediatrics | San Francisco | CA | baysidepeds.com
Mission District Community Clinic | San Francisco | CA | missionclinic.org
Sunset Dermatology Associates | Los Angeles | CA | sunsetderm.com
Westwood Orthopedic Group | Los Angeles | CA | westwoodortho.com
Rose City Physical Therapy | Portland | OR | rosecitypt.com
Lakeview Internal Medicine | Chicago | IL | lakeviewim.com
Windy City Women's Health | Chicago | IL | windycitywomens.com
Gramercy Cardiology | New York | NY | gramercycardio.com
Harlem Family Health Center | New York | NY | harlemfamilyhealth.org
Back Bay Eye Associates | Boston | MA | backbayeye.com
Cambridge Behavioral Health | Boston | MA | cambridgebh.com
Bayou City Sports Medicine | Houston | TX | bayoucitysports.com
Camelback Urgent Care | Phoenix | AZ | camelbackurgent.com
Front Range Pulmonary Clinic | Denver | CO | frontrangepulmonary.com
Midtown Atlanta Primary Care | Atlanta | GA | midtownprimary.com
Coral Gables Endocrinology | Miami | FL | coralgablesendo.com
Twin Cities Rehabilitation | Minneapolis | MN | twincitiesrehab.com
Music Row Family Medicine | Nashville | TN | musicrowfm.com
Rittenhouse Allergy and Asthma | Philadelphia | PA | rittenhouseallergy.com
Lake Erie Diagnostic Laboratory | Cleveland | OH | lakeeriediagnostics.com
Northside Home Health Services | Chicago | IL | northsidehomehealth.com
""")
AREA_CODES = {
    "CA": (415, 628, 213, 310, 323), "WA": (206, 425), "OR": (503, 971), "IL": (312, 773, 872),
    "NY": (212, 646, 718, 917), "MA": (617, 857), "TX": (713, 832, 281), "AZ": (602, 480, 623),
    "CO": (303, 720), "GA": (404, 678, 470), "FL": (305, 786), "MN": (612, 651), "TN": (615, 629),
    "PA": (215, 267), "OH": (216, 440),
}
PERSONAL_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True)
class Organization:
    """Where a provider works: a hospital of the directory (`hospital`) or a practice (None)."""

    name: str
    city: str
    state: str
    domain: str
    hospital: Hospital | None
