// The peer's set-up: the same categories, texts and gated Facebook iframe as the Kapsel page.
const facebookOrigin = document.documentElement.dataset.facebookOrigin;
const im = iframemanager();
im.run({
  currLang: "nb",
  services: {
    facebook: {
      embedUrl: facebookOrigin + "/plugins/page.php?href={data-id}",
      cookie: { name: "im_facebook" },
      languages: {
        nb: {
          notice: "Innholdet fra Facebook er blokkert fordi det bruker informasjonskapsler til markedsføring. Du har ikke samtykket til det.",
          loadBtn: "Vis innholdet",
          loadAllBtn: "Tillat markedsføring",
        },
      },
    },
  },
});
CookieConsent.run({
  hideFromBots: false,
  categories: {
    necessary: { enabled: true, readOnly: true },
    analytics: {},
    marketing: {
      services: {
        facebook: {
          label: "Facebook",
          onAccept: () => im.acceptService("facebook"),
          onReject: () => im.rejectService("facebook"),
        },
      },
    },
  },
  language: {
    default: "nb",
    translations: {
      nb: {
        consentModal: {
          title: "Informasjonskapsler",
          description: "Testkommune bruker informasjonskapsler. Noen er nødvendige for at nettstedet skal virke. Andre bruker vi bare hvis du samtykker: til statistikk og markedsføring. Du kan endre valget ditt når som helst.",
          acceptAllBtn: "Godta alle",
          acceptNecessaryBtn: "Avvis alle",
          showPreferencesBtn: "Innstillinger",
        },
        preferencesModal: {
          title: "Innstillinger for informasjonskapsler",
          acceptAllBtn: "Godta alle",
          acceptNecessaryBtn: "Avvis alle",
          savePreferencesBtn: "Lagre valg",
          sections: [
            { title: "Nødvendige", description: "Trengs for at nettstedet skal virke.", linkedCategory: "necessary" },
            { title: "Statistikk", description: "Teller besøk og viser hvordan nettstedet brukes.", linkedCategory: "analytics" },
            { title: "Markedsføring", description: "Brukes av andre selskaper, som Facebook.", linkedCategory: "marketing" },
          ],
        },
      },
    },
  },
});
