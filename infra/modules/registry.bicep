// Container registry for the service image. No admin user: pushes use the operator's Entra login
// (az acr build / az acr login), pulls use the container app's managed identity (AcrPull).

param location string
param name string

@allowed(['Basic', 'Standard', 'Premium'])
param skuName string = 'Standard'

param tags object = {}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    adminUserEnabled: false
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
