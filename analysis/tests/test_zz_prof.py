import time, pytest
from accounts.permissions import SYSTEM
from analysis import services
from analysis.tests.province import NOW, build
pytestmark = pytest.mark.django_db
def test_prof(client, officer):
    t=time.perf_counter(); build(honest=2); print("build", time.perf_counter()-t)
    t=time.perf_counter(); services.run_analysis(actor=SYSTEM, now=NOW); print("run", time.perf_counter()-t)
    client.force_login(officer)
    for url in ["/phan-tich/", "/phan-tich/", "/phan-tich/canh-bao/", "/phan-tich/bang-tham-chieu/"]:
        t=time.perf_counter(); client.get(url); print(url, time.perf_counter()-t)
