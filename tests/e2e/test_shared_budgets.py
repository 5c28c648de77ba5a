"""One budget, whichever door (issue 21.13, 21.15, 21.17): failed sign-ins per address across
the API's token and password endpoints and the web's sign-in; "this CPR number is registered"
answers per account across the API and the console's registration form; and the care teams
each caller is shown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import PASSWORD, form_key, sign_in, token_for


class TestOneSignInBudgetPerAddress:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        # The per-user-name limit out of the way: only the per-address one is under test.
        return {"TELEMON_LOGIN_LIMIT": "5 per minute", "TELEMON_LOGIN_USER_LIMIT": "1000/minute"}

    def test_failures_at_every_door_count_against_one_budget(self, client, world):
        wrong = {"username": "clinician", "password": "wrong-password-1"}
        change = {
            "username": "clinician",
            "current_password": "wrong-password-1",
            "new_password": "a-brand-new-passphrase-here",
        }
        codes = [
            client.post("/api/v1/auth/token", json=wrong).status_code,
            client.post("/api/v1/auth/token", json=wrong).status_code,
            client.post("/api/v1/auth/password", json=change).status_code,
            client.post("/api/v1/auth/password", json=change).status_code,
            client.post("/sign-in", data=wrong).status_code,
        ]
        assert codes == [401, 401, 401, 401, 401]
        right = {"username": "clinician", "password": PASSWORD}
        assert client.post("/sign-in", data=right).status_code == 429
        assert client.post("/api/v1/auth/token", json=right).status_code == 429
        assert client.post("/api/v1/auth/password", json=change).status_code == 429

    def test_successes_do_not_count(self, client, world):
        right = {"username": "clinician", "password": PASSWORD}
        for _ in range(6):
            assert client.post("/api/v1/auth/token", json=right).status_code == 200


class TestOneCprBudgetPerAccount:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"TELEMON_CPR_CONFLICT_LIMIT": "3 per hour"}

    def _web_register(self, client: Any, cpr: str) -> Any:
        page = client.get("/patients/new").get_data(as_text=True)
        return client.post(
            "/patients/new", data={"cpr": cpr, "name": "Someone", "form_key": form_key(page)}
        )

    def test_the_web_form_and_the_api_share_the_limit(self, client, world):
        other = token_for(client, "other-clinician")
        body = {"cpr": "0101701234", "name": "Someone"}
        assert client.post("/api/v1/patients", json=body, headers=other).status_code == 409
        sign_in(client, "other-clinician")
        # "Registered already": the form is sent back (Post/Redirect/Get, 303) and counted.
        registered = self._web_register(client, "010170-1234")
        assert registered.status_code == 303
        back = client.get(registered.location)
        assert back.status_code == 422 and "Allerede registreret" in back.get_data(as_text=True)
        assert self._web_register(client, "010170-1234").status_code == 303
        assert self._web_register(client, "010170-1234").status_code == 429
        assert client.post("/api/v1/patients", json=body, headers=other).status_code == 429

    def test_the_web_form_alone_is_limited(self, client, world):
        sign_in(client, "other-clinician")
        codes = [self._web_register(client, "0101701234").status_code for _ in range(4)]
        assert codes == [303, 303, 303, 429]  # sent back (counted) three times, then refused


class TestCareTeamsByNeed:
    def test_a_home_nurse_sees_her_patients_hospital_team_by_name_only(self, client, wounds):
        nurse = token_for(client, "nurse")
        teams = client.get("/api/v1/care-teams", headers=nurse).get_json()
        by_name = {team["name"]: team for team in teams}
        # Her own organisation's team in full.
        home = by_name["Home nursing district 1"]
        assert home["email"] == "home-nursing@example.invalid"
        assert "member_ids" in home
        # The responsible teams of her patients (shared with her municipality): names only.
        for name in ("Wound clinic", "Lung team"):
            assert set(by_name[name]) == {"id", "name", "organisation_id"}
        one = client.get(f"/api/v1/care-teams/{wounds.clinic.id}", headers=nurse).get_json()
        assert set(one) == {"id", "name", "organisation_id"}

    def test_teams_of_no_patient_of_hers_are_not_listed(self, client, wounds):
        other_nurse = token_for(client, "other-nurse")  # another municipality: no shared patient
        teams = client.get("/api/v1/care-teams", headers=other_nurse).get_json()
        names = {team["name"] for team in teams}
        assert not names & {"Wound clinic", "Lung team", "Home nursing district 1"}
        response = client.get(f"/api/v1/care-teams/{wounds.clinic.id}", headers=other_nurse)
        assert response.status_code == 404

    def test_the_clinician_sees_her_hospitals_teams_in_full(self, client, wounds):
        clinician = token_for(client, "clinician")
        teams = {t["name"]: t for t in client.get("/api/v1/care-teams", headers=clinician).json}
        assert teams["Lung team"]["member_ids"]
        assert teams["Wound clinic"]["email"] == "wound-clinic@example.invalid"
        # The home-nursing team is no responsible team of any of her patients.
        assert "Home nursing district 1" not in teams
