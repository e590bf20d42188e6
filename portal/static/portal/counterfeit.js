// The counterfeit report form: the phone's location is added only when the consumer taps the button, rounded to
// about 1 km before it leaves the phone (the server rounds again). Texts come from data- attributes (translated).
const box = document.getElementById("location-box");
const share = document.getElementById("share-location");
const drop = document.getElementById("drop-location");
const status = document.getElementById("location-status");
const lat = document.querySelector("input[name=latitude]");
const lon = document.querySelector("input[name=longitude]");

function set(latitude, longitude, message) {
  lat.value = latitude;
  lon.value = longitude;
  status.textContent = message;
  drop.hidden = latitude === "";
  share.hidden = latitude !== "";
}

if (box && share && lat && lon) {
  if (!navigator.geolocation) {
    box.hidden = true;
  } else {
    if (lat.value && lon.value) set(lat.value, lon.value, box.dataset.added);
    share.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition(
        (pos) => set(pos.coords.latitude.toFixed(2), pos.coords.longitude.toFixed(2), box.dataset.added),
        () => set("", "", box.dataset.denied),
        { enableHighAccuracy: false, maximumAge: 600000, timeout: 15000 },
      );
    });
    drop.addEventListener("click", () => set("", "", box.dataset.removed));
  }
}
