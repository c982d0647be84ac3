// actnet: the little the pages do with JavaScript on. Everything works without it.
document.addEventListener("click", function (event) {
  // "Copy link" is a plain link to the page; with a clipboard it copies instead.
  var link = event.target.closest("a[data-copy]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  navigator.clipboard.writeText(link.href).then(function () {
    var said = document.getElementById(link.dataset.copy);
    if (said) said.textContent = "Link copied.";
  });
});
