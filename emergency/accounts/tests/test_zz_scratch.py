from conftest import login

def test_scratch(client, subdistrict_officer, guangfu):
    login(client, subdistrict_officer)
    r = client.post(f"/divisions/{guangfu.pk}/edit/", {"name": "x"})
    print("edit", r.status_code)
    r = client.post(f"/divisions/{guangfu.pk}/archive/")
    print("archive", r.status_code, r.headers.get("Location"))
    guangfu.refresh_from_db(); print(guangfu.name, guangfu.archived_at)
    r = client.patch(f"/api/v1/divisions/{guangfu.pk}/", {"name": "y"}, content_type="application/json")
    print(r.status_code, r.content[:200])
