console.log("electron install placeholder for bootstrap")
