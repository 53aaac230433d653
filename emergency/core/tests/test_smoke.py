from conftest import login


def test_a_subdistrict_officer_sees_own_community_not_the_other(client, subdistrict_officer, community_a,
                                                                 community_b):
    login(client, subdistrict_officer)
    resp = client.get("/divisions/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert community_a.name in body
    assert community_b.name not in body
    assert client.get(f"/divisions/{community_b.pk}/").status_code == 404
